// What a failed request becomes: an ApiError with the server's stable code and its Indonesian
// and English message (`{"error": {"code", "message": {"id", "en"}, "detail", "pow"}}`), or a
// generic one when the answer is not ours (S3 answers in XML).

/** @typedef {{id: string, en: string}} Text */
/** @typedef {{bits: number, bucket: number}} PowTerms the server's terms, from a refusal */

export const NETWORK_ERROR = {
  id: "Koneksi ke server terputus dan tidak pulih setelah beberapa kali dicoba. Periksa koneksi internet Anda, lalu kirim lagi.",
  en: "The connection to the server failed and did not recover after several tries. Check your internet connection and send again.",
};
export const UNEXPECTED = {
  id: "Server memberi jawaban yang tidak dikenal. Laporan belum terkirim; silakan coba lagi.",
  en: "The server gave an unexpected answer. The report was not sent; please try again.",
};

/** A request that failed for good: the server's code and message, or our own. */
export class ApiError extends Error {
  /**
   * @param {object} parts
   * @param {number} parts.status HTTP status, 0 for a network failure
   * @param {string} parts.code the server's stable code, or ours ("network_error", "http_403"…)
   * @param {Text} parts.messages Indonesian and English
   * @param {string} [parts.detail] the server's technical detail, if any
   * @param {PowTerms} [parts.pow] with a proof-of-work refusal: the server's terms
   */
  constructor({ status, code, messages, detail, pow }) {
    super(`${code}: ${messages.en}`);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.messages = messages;
    this.detail = detail;
    this.pow = pow;
  }
}

/**
 * @param {unknown} value
 * @returns {value is Text}
 */
function isText(value) {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (/** @type {Text} */ (value).id) === "string" &&
    typeof (/** @type {Text} */ (value).en) === "string"
  );
}

/**
 * An ApiError from a response: `{"error": {"code", "message": {"id", "en"}, "detail"}}` when
 * the body is ours, a generic one otherwise (S3 answers in XML).
 * @param {import("./segment-put.js").PutResponse} response
 * @returns {Promise<ApiError>}
 */
export async function errorFromResponse(response) {
  let body;
  try {
    body = JSON.parse(await response.text());
  } catch {
    body = null;
  }
  const error = body && typeof body === "object" ? body.error : null;
  if (error && typeof error.code === "string" && isText(error.message)) {
    const detail = typeof error.detail === "string" ? error.detail : undefined;
    const terms = error.pow;
    const pow =
      terms && Number.isInteger(terms.bits) && Number.isInteger(terms.bucket)
        ? { bits: terms.bits, bucket: terms.bucket }
        : undefined;
    return new ApiError({ status: response.status, code: error.code, messages: error.message, detail, pow });
  }
  return new ApiError({ status: response.status, code: `http_${response.status}`, messages: UNEXPECTED });
}

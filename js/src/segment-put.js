// Sending one segment's ciphertext to its presigned URL: with fetch, or with XMLHttpRequest,
// which reports upload progress; and S3's answer to an upload that stalled (400 RequestTimeout)
// read as the network condition it is.

/**
 * What a PUT returns: a fetch Response, or anything with the same three members.
 * @typedef {{status: number, ok: boolean, text(): Promise<string>}} PutResponse
 */
/**
 * How a segment is sent. The default uses fetch; the worker passes `xhrPut`, which reports
 * upload progress (fetch cannot).
 * @typedef {(url: string, init: {method: string, headers: Record<string, string>, body: Blob,
 *   signal: AbortSignal, onProgress?: (sent: number) => void}) => Promise<PutResponse>} PutFn
 */
/**
 * The default PUT: fetch.
 * @param {typeof fetch} fetchFn
 * @returns {PutFn}
 */
export function fetchPut(fetchFn) {
  return (url, { method, headers, body, signal }) =>
    fetchFn(url, { method, headers, body, signal, cache: "no-store", credentials: "omit" });
}

/**
 * A PUT with XMLHttpRequest, which reports upload progress (available in workers and pages).
 * Network failures reject with a TypeError, as fetch does; an abort with the signal's reason.
 * @type {PutFn}
 */
export function xhrPut(url, { method, headers, body, signal, onProgress }) {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const xhr = new XMLHttpRequest();
    xhr.open(method, url);
    for (const [name, value] of Object.entries(headers)) {
      xhr.setRequestHeader(name, value);
    }
    const onAbort = () => xhr.abort();
    signal.addEventListener("abort", onAbort, { once: true });
    const finish = () => signal.removeEventListener("abort", onAbort);
    if (onProgress) {
      xhr.upload.onprogress = (event) => onProgress(event.loaded);
    }
    xhr.onload = () => {
      finish();
      const text = String(xhr.responseText ?? "");
      resolve({ status: xhr.status, ok: xhr.status >= 200 && xhr.status < 300, text: async () => text });
    };
    xhr.onerror = () => {
      finish();
      reject(new TypeError("network error"));
    };
    xhr.onabort = () => {
      finish();
      reject(signal.reason ?? new TypeError("aborted"));
    };
    xhr.send(body);
  });
}

/**
 * S3 answers an upload that stalled too long with 400 and an XML `RequestTimeout` code: a
 * network condition, retried like a 408 (any other 400 stays final).
 * @param {PutResponse} response
 * @returns {Promise<PutResponse>}
 */
export async function s3TimeoutAsRetry(response) {
  if (response.status !== 400) {
    return response;
  }
  const text = await response.text();
  const status = /<Code>RequestTimeout<\/Code>/.test(text) ? 408 : 400;
  return { status, ok: false, text: async () => text };
}

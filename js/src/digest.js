// SHA-256 through WebCrypto and lower-case hex: the two byte helpers the other modules share.

/**
 * @param {Uint8Array} data
 * @returns {Promise<Uint8Array>}
 */
export async function sha256(data) {
  // The cast only narrows the type: no SharedArrayBuffer exists here (the pages are not
  // cross-origin isolated), so every Uint8Array is over an ArrayBuffer.
  const bytes = /** @type {Uint8Array<ArrayBuffer>} */ (data);
  return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
}

/**
 * @param {Uint8Array} bytes
 * @returns {string} lower-case hex
 */
export function toHex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * @param {Uint8Array} data
 * @returns {Promise<string>} SHA-256 of `data`, lower-case hex
 */
export async function sha256Hex(data) {
  return toHex(await sha256(data));
}

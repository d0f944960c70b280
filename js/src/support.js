// Whether this browser can do what the pages need before anything is typed: a secure
// context, WebCrypto and Web Workers. No imports: the page scripts carry no cryptography.

/** @returns {boolean} whether this browser can encrypt here (secure context, WebCrypto, workers) */
export function canEncryptHere() {
  return (
    globalThis.isSecureContext !== false &&
    typeof Worker === "function" &&
    typeof crypto?.getRandomValues === "function" &&
    typeof crypto?.subtle?.digest === "function"
  );
}

// Size buckets for the documents the reporter encrypts (report, identity block, messages), as
// peluit/core/padding.py: the JSON document followed by spaces up to the next bucket, so the
// ciphertext's size tells nobody how long the answers, a name or a phone number are
// (docs/format.md, "Padding"; ADR 0029).

const KIB = 1024;
const FIRST_BUCKET = KIB;
const STEP = 64 * KIB; // from here on, buckets are multiples of 64 KiB
const SPACE = 0x20;

/**
 * The smallest bucket holding `size` bytes: 1, 2, 4, … 64 KiB, then every multiple of 64 KiB.
 * @param {number} size
 */
export function bucket(size) {
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new RangeError("a size is a non-negative integer");
  }
  if (size <= FIRST_BUCKET) {
    return FIRST_BUCKET;
  }
  if (size <= STEP) {
    let b = FIRST_BUCKET;
    while (b < size) {
      b *= 2;
    }
    return b;
  }
  return Math.ceil(size / STEP) * STEP;
}

/**
 * `document` (a JSON object, UTF-8) followed by spaces up to its bucket.
 * @param {Uint8Array} document
 * @returns {Uint8Array}
 */
export function pad(document) {
  if (document.length === 0 || document[document.length - 1] !== 0x7d) {
    throw new TypeError("only a JSON object is padded");
  }
  const out = new Uint8Array(bucket(document.length)).fill(SPACE);
  out.set(document, 0);
  return out;
}

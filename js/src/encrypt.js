// Encrypting with typage under Peluit's recipient policy: post-quantum hybrid recipients
// (`age1pq1…`, ML-KEM-768 + X25519) only, never mixed with anything else, and the output
// checked against the exact size such a file has (docs/format.md). typage itself would
// accept a classic or mixed recipient list; we refuse before encrypting anything.
import { Encrypter } from "age-encryption";

const HYBRID_PREFIX = "age1pq1";
const CHUNK = 64 * 1024;

/** A recipient list that breaks the policy; nothing was encrypted. */
export class RecipientPolicyError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = "RecipientPolicyError";
  }
}

/** The encryption library produced something other than the file the policy implies. */
export class EncryptionError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = "EncryptionError";
  }
}

/**
 * Refuse an empty list, anything that is not a hybrid recipient, and a hybrid/classic mix.
 * @param {unknown} recipients
 * @returns {string[]} the same recipients
 */
export function checkRecipients(recipients) {
  if (!Array.isArray(recipients) || recipients.length === 0) {
    throw new RecipientPolicyError("no recipients: refusing to encrypt");
  }
  const hybrid = recipients.filter((r) => typeof r === "string" && r.startsWith(HYBRID_PREFIX));
  if (hybrid.length !== recipients.length) {
    throw new RecipientPolicyError(
      hybrid.length > 0
        ? "hybrid and classic recipients mixed: refusing to encrypt"
        : "a recipient is not post-quantum (age1pq1…): refusing to encrypt",
    );
  }
  return hybrid;
}

/**
 * The exact size of an age file for `recipients` hybrid recipients and `plaintext` bytes
 * (header `22 + 1557·n + 48`, nonce, payload with a 16-byte tag per 64 KiB chunk).
 * @param {number} recipients
 * @param {number} plaintext
 */
export function hybridFileSize(recipients, plaintext) {
  const header = 22 + 1557 * recipients + 48;
  return header + 16 + plaintext + 16 * Math.max(1, Math.ceil(plaintext / CHUNK));
}

/**
 * An Encrypter for `recipients`, refused under the policy before anything is encrypted.
 * @param {string[]} recipients
 * @returns {{encrypter: Encrypter, count: number}}
 */
function encrypterFor(recipients) {
  const checked = checkRecipients(recipients);
  const encrypter = new Encrypter();
  for (const recipient of checked) {
    try {
      encrypter.addRecipient(recipient);
    } catch {
      throw new RecipientPolicyError("a recipient key is malformed: refusing to encrypt");
    }
  }
  return { encrypter, count: checked.length };
}

/**
 * Encrypt `plaintext` to every recipient (all hybrid) as one binary age file.
 * @param {string[]} recipients
 * @param {Uint8Array} plaintext
 * @returns {Promise<Uint8Array>}
 */
export async function encryptTo(recipients, plaintext) {
  const { encrypter, count } = encrypterFor(recipients);
  const ciphertext = await encrypter.encrypt(plaintext);
  if (ciphertext.length !== hybridFileSize(count, plaintext.length)) {
    throw new EncryptionError("the encrypted file does not have the size the policy implies");
  }
  return ciphertext;
}

/** The Blob did not give the bytes it announced: the file changed or became unreadable. */
export class FileChangedError extends Error {
  constructor() {
    super("the file changed while it was being read");
    this.name = "FileChangedError";
  }
}

/**
 * Encrypt the bytes of `blob` (a slice of a File) to every recipient as one binary age file,
 * streaming: the plaintext is read from `blob.stream()` 64 KiB at a time and never held whole,
 * and the ciphertext is written straight into `buffer` when it is large enough (so one buffer
 * serves every segment of an upload and nothing segment-sized is left for the garbage
 * collector). The result is a view of `buffer`, valid until `buffer` is written again.
 * @param {string[]} recipients
 * @param {Blob} blob
 * @param {Uint8Array} [buffer]
 * @returns {Promise<Uint8Array>} exactly `hybridFileSize(recipients.length, blob.size)` bytes
 */
export async function encryptBlob(recipients, blob, buffer) {
  const { encrypter, count } = encrypterFor(recipients);
  const size = hybridFileSize(count, blob.size);
  const out = buffer && buffer.length >= size ? buffer.subarray(0, size) : new Uint8Array(size);
  const reader = (await encrypter.encrypt(blob.stream())).getReader();
  let offset = 0;
  for (;;) {
    let chunk;
    try {
      chunk = await reader.read();
    } catch (err) {
      // The browser's file reading fails with a DOMException (NotReadableError, NotFoundError:
      // the file was moved, changed or removed); anything else came from the encryption.
      throw err instanceof DOMException ? new FileChangedError() : new EncryptionError("encrypting a file failed");
    }
    if (chunk.done) {
      break;
    }
    if (offset + chunk.value.length > size) {
      await reader.cancel().catch(() => {});
      throw new FileChangedError();
    }
    out.set(chunk.value, offset);
    offset += chunk.value.length;
  }
  if (offset !== size) {
    throw new FileChangedError();
  }
  return out;
}

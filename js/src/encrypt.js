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
 * Encrypt `plaintext` to every recipient (all hybrid) as one binary age file.
 * @param {string[]} recipients
 * @param {Uint8Array} plaintext
 * @returns {Promise<Uint8Array>}
 */
export async function encryptTo(recipients, plaintext) {
  const checked = checkRecipients(recipients);
  const encrypter = new Encrypter();
  for (const recipient of checked) {
    try {
      encrypter.addRecipient(recipient);
    } catch {
      throw new RecipientPolicyError("a recipient key is malformed: refusing to encrypt");
    }
  }
  const ciphertext = await encrypter.encrypt(plaintext);
  if (ciphertext.length !== hybridFileSize(checked.length, plaintext.length)) {
    throw new EncryptionError("the encrypted file does not have the size the policy implies");
  }
  return ciphertext;
}

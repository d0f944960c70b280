// The reporter's signatures, as peluit/core/reporter_signature.py (docs/format.md, "The
// reporter's signatures"): Ed25519 with the key the receipt code derives (HKDF info
// "reporter-signing"), over the SHA-256 of what is sent, so the review tool can tell the
// reporter's report and messages from anything the server could put in their place.
// Ed25519 from @noble/curves (already in the bundle through age-encryption): it runs in every
// browser the form supports, where WebCrypto's Ed25519 does not yet.
import { ed25519 } from "@noble/curves/ed25519.js";
import { sha256Hex, toHex } from "./digest.js";

const LABEL = "peluit-reporter/1";
const utf8 = new TextEncoder();

/**
 * What a finalization signs: the SHA-256 of report.age and of identity.age (or "-").
 * @param {Uint8Array} report
 * @param {Uint8Array | null} identity
 * @returns {Promise<Uint8Array>}
 */
export async function reportStatement(report, identity) {
  const id = identity ? await sha256Hex(identity) : "-";
  return utf8.encode(`${LABEL}\nreport ${await sha256Hex(report)}\nidentity ${id}\n`);
}

/**
 * What a reporter's message (or evidence manifest) signs: its ciphertext's SHA-256.
 * @param {Uint8Array} message
 * @returns {Promise<Uint8Array>}
 */
export async function messageStatement(message) {
  return utf8.encode(`${LABEL}\nmessage ${await sha256Hex(message)}\n`);
}

/**
 * @param {Uint8Array} seed the 32-byte Ed25519 private key from the receipt code
 * @returns {string} the public key, hex
 */
export function publicKey(seed) {
  return toHex(ed25519.getPublicKey(seed));
}

/**
 * @param {Uint8Array} seed
 * @param {Uint8Array} statement
 * @returns {string} the signature, hex (64 bytes)
 */
export function sign(seed, statement) {
  return toHex(ed25519.sign(statement, seed));
}

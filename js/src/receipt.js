// The reporter's receipt code and what is derived from it: the same algorithm as
// peluit/core/receipt.py (tests/functional/test_receipt_interop.py holds the two together).
//
// 128 random bits, written as 26 Crockford base32 characters plus one check character, in
// groups of four: "7K3M-Q9XD-…". HKDF-SHA256 (salt "peluit/receipt/v1") derives from the 16
// bytes the lookup token (info "lookup"; the server stores only its SHA-256) and the seed of
// the reporter's hybrid reply identity (info "reply-identity"). The check character is the
// first 5 bits of SHA-256("peluit/receipt-check/v1" || bytes).
import { bech32 } from "@scure/base";
import { identityToRecipient } from "age-encryption";
import { sha256, toHex } from "./digest.js";
import { SECRET_SIZE, checkChar, formatCode, parseCodeText } from "./receipt-text.js";

export { ALPHABET, ReceiptCodeError, SECRET_SIZE } from "./receipt-text.js";

const SALT = "peluit/receipt/v1";
const utf8 = new TextEncoder();

/**
 * HKDF-SHA256 with our salt, 32 bytes of output.
 * @param {Uint8Array} secret
 * @param {string} info
 * @returns {Promise<Uint8Array>}
 */
async function hkdf(secret, info) {
  const raw = /** @type {Uint8Array<ArrayBuffer>} */ (secret); // no SharedArrayBuffer (digest.js)
  const key = await crypto.subtle.importKey("raw", raw, "HKDF", false, ["deriveBits"]);
  const params = { name: "HKDF", hash: "SHA-256", salt: utf8.encode(SALT), info: utf8.encode(info) };
  return new Uint8Array(await crypto.subtle.deriveBits(params, key, 256));
}

export class ReceiptCode {
  /** @type {Uint8Array} */ #secret;
  /** @type {string} */ #check;

  /**
   * Use ReceiptCode.generate(), fromSecret() or parse().
   * @param {Uint8Array} secret
   * @param {string} check
   */
  constructor(secret, check) {
    this.#secret = secret;
    this.#check = check;
  }

  /**
   * A fresh code from 16 bytes of crypto.getRandomValues.
   * @returns {Promise<ReceiptCode>}
   */
  static generate() {
    return ReceiptCode.fromSecret(crypto.getRandomValues(new Uint8Array(SECRET_SIZE)));
  }

  /**
   * @param {Uint8Array} secret exactly 16 bytes
   * @returns {Promise<ReceiptCode>}
   */
  static async fromSecret(secret) {
    if (!(secret instanceof Uint8Array) || secret.length !== SECRET_SIZE) {
      throw new TypeError(`a receipt secret is ${SECRET_SIZE} bytes`);
    }
    const copy = Uint8Array.from(secret);
    return new ReceiptCode(copy, await checkChar(copy));
  }

  /**
   * Accept any case, spaces and dashes; refuse a wrong length, character or check.
   * @param {string} text
   * @returns {Promise<ReceiptCode>}
   */
  static async parse(text) {
    const { secret, check } = await parseCodeText(text);
    return new ReceiptCode(secret, check);
  }

  /** The 16 secret bytes (a copy). */
  get secret() {
    return Uint8Array.from(this.#secret);
  }

  /** The code as people see it: 27 characters in groups of four, joined by dashes. */
  toString() {
    return formatCode(this.#secret, this.#check);
  }

  /** @returns {Promise<Uint8Array>} the 32-byte lookup token */
  lookupToken() {
    return hkdf(this.#secret, "lookup");
  }

  /** @returns {Promise<string>} SHA-256 of the lookup token, hex: what the server stores */
  async lookupHash() {
    return toHex(await sha256(await this.lookupToken()));
  }

  /** @returns {Promise<Uint8Array>} the 32-byte seed of the reply identity */
  replySeed() {
    return hkdf(this.#secret, "reply-identity");
  }

  /** @returns {Promise<Uint8Array>} the 32-byte Ed25519 private key the reporter signs with */
  signingSeed() {
    return hkdf(this.#secret, "reporter-signing");
  }

  /** @returns {Promise<string>} the reply identity, `AGE-SECRET-KEY-PQ-1…` */
  async replyIdentity() {
    return bech32.encodeFromBytes("AGE-SECRET-KEY-PQ-", await this.replySeed()).toUpperCase();
  }

  /** @returns {Promise<string>} the reply recipient, `age1pq1…`, sent with the report */
  async replyRecipient() {
    return identityToRecipient(await this.replyIdentity());
  }
}

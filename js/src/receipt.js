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

export const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/** Crockford: letters people confuse with digits read as those digits. */
const ALIASES = new Map([["O", 0], ["I", 1], ["L", 1]]);
const SALT = "peluit/receipt/v1";
const CHECK_LABEL = "peluit/receipt-check/v1";
export const SECRET_SIZE = 16;
const DATA_CHARS = 26;
const GROUP = 4;
/** What parse() ignores, exactly as the Python side does. */
const SEPARATORS = new Set([" ", "-", "\t", "\n"]);

const utf8 = new TextEncoder();

/** A receipt code that is malformed or whose check character does not match. */
export class ReceiptCodeError extends Error {
  /**
   * @param {"length" | "character" | "range" | "check"} reason what is wrong, for a message
   * @param {string} message
   */
  constructor(reason, message) {
    super(message);
    this.name = "ReceiptCodeError";
    this.reason = reason;
  }
}

/**
 * @param {Uint8Array} secret
 * @returns {Promise<string>}
 */
async function checkChar(secret) {
  const label = utf8.encode(CHECK_LABEL);
  const input = new Uint8Array(label.length + secret.length);
  input.set(label);
  input.set(secret, label.length);
  return ALPHABET[(await sha256(input))[0] >> 3];
}

/**
 * HKDF-SHA256 with our salt, 32 bytes of output.
 * @param {Uint8Array} secret
 * @param {string} info
 * @returns {Promise<Uint8Array>}
 */
async function hkdf(secret, info) {
  const key = await crypto.subtle.importKey("raw", secret, "HKDF", false, ["deriveBits"]);
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
    const chars = Array.from(String(text).toUpperCase()).filter((c) => !SEPARATORS.has(c));
    if (chars.length !== DATA_CHARS + 1) {
      throw new ReceiptCodeError("length", `a receipt code has ${DATA_CHARS + 1} characters`);
    }
    const values = chars.map((c) => {
      const value = c.length === 1 ? (ALIASES.get(c) ?? ALPHABET.indexOf(c)) : -1;
      if (value < 0) {
        throw new ReceiptCodeError("character", "a receipt code uses only digits and letters");
      }
      return value;
    });
    let number = 0n;
    for (const value of values.slice(0, DATA_CHARS)) {
      number = (number << 5n) | BigInt(value);
    }
    if (number >> BigInt(SECRET_SIZE * 8)) {
      throw new ReceiptCodeError("range", "not a receipt code");
    }
    const secret = new Uint8Array(SECRET_SIZE);
    for (let i = SECRET_SIZE - 1; i >= 0; i--) {
      secret[i] = Number(number & 0xffn);
      number >>= 8n;
    }
    const code = await ReceiptCode.fromSecret(secret);
    if (ALPHABET[values[DATA_CHARS]] !== code.#check) {
      throw new ReceiptCodeError("check", "the receipt code has a typo (its check character differs)");
    }
    return code;
  }

  /** The 16 secret bytes (a copy). */
  get secret() {
    return Uint8Array.from(this.#secret);
  }

  /** The code as people see it: 27 characters in groups of four, joined by dashes. */
  toString() {
    let number = 0n;
    for (const byte of this.#secret) {
      number = (number << 8n) | BigInt(byte);
    }
    let data = "";
    for (let i = DATA_CHARS - 1; i >= 0; i--) {
      data += ALPHABET[Number((number >> BigInt(5 * i)) & 31n)];
    }
    const text = data + this.#check;
    const groups = [];
    for (let i = 0; i < text.length; i += GROUP) {
      groups.push(text.slice(i, i + GROUP));
    }
    return groups.join("-");
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

  /** @returns {Promise<string>} the reply identity, `AGE-SECRET-KEY-PQ-1…` */
  async replyIdentity() {
    return bech32.encodeFromBytes("AGE-SECRET-KEY-PQ-", await this.replySeed()).toUpperCase();
  }

  /** @returns {Promise<string>} the reply recipient, `age1pq1…`, sent with the report */
  async replyRecipient() {
    return identityToRecipient(await this.replyIdentity());
  }
}

// Receipt codes as text, without any key derivation: parsing what a person typed (with its
// check character) and writing a code out. The page script uses it to catch a typo before
// anything is sent, without loading the age library; receipt.js builds on it.
//
// 128 random bits, written as 26 Crockford base32 characters plus one check character (the
// first 5 bits of SHA-256("peluit/receipt-check/v1" || bytes)), in groups of four.
import { sha256 } from "./digest.js";

export const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/** Crockford: letters people confuse with digits read as those digits. */
const ALIASES = new Map([["O", 0], ["I", 1], ["L", 1]]);
const CHECK_LABEL = "peluit/receipt-check/v1";
export const SECRET_SIZE = 16;
export const DATA_CHARS = 26;
export const CODE_CHARS = DATA_CHARS + 1;
export const GROUP = 4;
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
 * The check character of a secret.
 * @param {Uint8Array} secret
 * @returns {Promise<string>}
 */
export async function checkChar(secret) {
  const label = utf8.encode(CHECK_LABEL);
  const input = new Uint8Array(label.length + secret.length);
  input.set(label);
  input.set(secret, label.length);
  return ALPHABET[(await sha256(input))[0] >> 3];
}

/**
 * The characters of a code as typed, upper case, separators dropped (nothing else changed).
 * @param {string} text
 * @returns {string[]}
 */
export function codeChars(text) {
  return Array.from(String(text).toUpperCase()).filter((c) => !SEPARATORS.has(c));
}

/**
 * Accept any case, spaces and dashes; refuse a wrong length, character or check.
 * @param {string} text
 * @returns {Promise<{secret: Uint8Array, check: string}>}
 */
export async function parseCodeText(text) {
  const chars = codeChars(text);
  if (chars.length !== CODE_CHARS) {
    throw new ReceiptCodeError("length", `a receipt code has ${CODE_CHARS} characters`);
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
  const check = await checkChar(secret);
  if (ALPHABET[values[DATA_CHARS]] !== check) {
    throw new ReceiptCodeError("check", "the receipt code has a typo (its check character differs)");
  }
  return { secret, check };
}

/**
 * Characters in groups of four joined by dashes ("7K3M-Q9XD-…").
 * @param {string} text
 */
export function groupChars(text) {
  const groups = [];
  for (let i = 0; i < text.length; i += GROUP) {
    groups.push(text.slice(i, i + GROUP));
  }
  return groups.join("-");
}

/**
 * A secret and its check character as people see the code.
 * @param {Uint8Array} secret
 * @param {string} check
 */
export function formatCode(secret, check) {
  let number = 0n;
  for (const byte of secret) {
    number = (number << 8n) | BigInt(byte);
  }
  let data = "";
  for (let i = DATA_CHARS - 1; i >= 0; i--) {
    data += ALPHABET[Number((number >> BigInt(5 * i)) & 31n)];
  }
  return groupChars(data + check);
}

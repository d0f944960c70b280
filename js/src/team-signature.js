// The review team's signatures on its messages to the reporter, as peluit/core/team_signature.py
// (docs/format.md, "The team's signatures"; ADR 0040): the reviewer who writes a message signs,
// with their roster Ed25519 key, the case id, the message's number, the day it was numbered and
// the SHA-256 of its age file. The follow-up page checks it against the channel's reviewers'
// keys from channels.json (`reply_signers`, covered by the signed release), never against
// anything the API says: the server holds the reply key's public half and could write a
// message to it, but cannot sign one. Ed25519 from @noble/curves, as reporter-signature.js.
import { ed25519 } from "@noble/curves/ed25519.js";
import { fromBase64 } from "./base64.js";
import { sha256Hex } from "./digest.js";

const LABEL = "peluit-team/1";
const PREFIX = "ed25519:";
const CASE_ID = /^[0-9a-z]{16}$/;
const DAY = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;
const SIGNATURE = /^[0-9a-f]{128}$/;
const utf8 = new TextEncoder();

/**
 * What a team message signs.
 * @param {string} caseId 16 lower-case characters
 * @param {number} seq its number in the thread, 1…99999
 * @param {string} on YYYY-MM-DD
 * @param {Uint8Array} sealed the message's age file
 * @returns {Promise<Uint8Array>}
 */
export async function teamStatement(caseId, seq, on, sealed) {
  if (!CASE_ID.test(caseId) || !Number.isSafeInteger(seq) || seq < 1 || seq > 99999 || !DAY.test(on)) {
    throw new RangeError("a team statement names a case id, a number and a day");
  }
  return utf8.encode(`${LABEL}\ncase ${caseId}\nseq ${seq}\non ${on}\nmessage ${await sha256Hex(sealed)}\n`);
}

/**
 * The public keys of `ed25519:<base64>` texts (channels.json `reply_signers`); a text that is
 * not one verifies nothing and is left out.
 * @param {unknown} texts
 * @returns {Uint8Array[]}
 */
export function signerKeys(texts) {
  if (!Array.isArray(texts)) {
    return [];
  }
  /** @type {Uint8Array[]} */
  const keys = [];
  for (const text of texts) {
    if (typeof text !== "string" || !text.startsWith(PREFIX)) {
      continue;
    }
    try {
      const raw = fromBase64(text.slice(PREFIX.length));
      if (raw.length === 32) {
        keys.push(raw);
      }
    } catch {
      // not base64: verifies nothing
    }
  }
  return keys;
}

/** @param {string} hex */
function fromHex(hex) {
  return Uint8Array.from(hex.match(/../g) ?? [], (pair) => parseInt(pair, 16));
}

/**
 * Whether one of `keys` signed this team message for its case, number and day. Never throws:
 * anything malformed (no signature, no day, a bad key) is simply not verified.
 * @param {Uint8Array[]} keys the channel's reviewers' keys
 * @param {{caseId: string, seq: number, on: string | null, sealed: Uint8Array, signature: unknown}} message
 * @returns {Promise<boolean>}
 */
export async function verifyTeamMessage(keys, { caseId, seq, on, sealed, signature }) {
  if (keys.length === 0 || typeof signature !== "string" || !SIGNATURE.test(signature) || typeof on !== "string") {
    return false;
  }
  let statement;
  try {
    statement = await teamStatement(caseId, seq, on, sealed);
  } catch {
    return false;
  }
  const sig = fromHex(signature);
  return keys.some((key) => {
    try {
      return ed25519.verify(sig, statement, key);
    } catch {
      return false;
    }
  });
}

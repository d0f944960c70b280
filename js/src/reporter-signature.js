// The reporter's signatures, as peluit/core/reporter_signature.py (docs/format.md, "The
// reporter's signatures"): Ed25519 with the key the receipt code derives (HKDF info
// "reporter-signing"), over the SHA-256 of what is sent, so the review tool can tell the
// reporter's report and messages from anything the server could put in their place.
// Ed25519 from @noble/curves (already in the bundle through age-encryption): it runs in every
// browser the form supports, where WebCrypto's Ed25519 does not yet.
import { ed25519 } from "@noble/curves/ed25519.js";
import { ApiError } from "./api-error.js";
import { sha256, sha256Hex, toHex } from "./digest.js";

const LABEL = "peluit-reporter/1";
const LABEL_V2 = "peluit-reporter/2";
/** The statement version this page signs (docs/format.md; ADR 0042). */
export const STATEMENT = 2;
const MAX_SEQ = 99_999;
const SIGN_ATTEMPTS = 3; // a signed message races the team's for its number this often
const CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz";
const CASE_ID = /^[0-9a-hjkmnp-tv-z]{16}$/;
const utf8 = new TextEncoder();
/** Why a message is not signed when the server does not say the number it takes. */
export const NO_POSITION = {
  id: "Server tidak menyebutkan nomor pesan berikutnya, sehingga pesan tidak dapat ditandatangani untuk kasus ini. Pesan belum terkirim; silakan coba lagi nanti.",
  en: "The server did not say the number the next message takes, so the message cannot be signed for this case. It was not sent; please try again later.",
};

/**
 * The case id a submission id becomes, as peluit/core/ids.py `case_id` (deterministic, so the
 * page can sign it before the server files the case): 80 bits of SHA-256, Crockford base32.
 * @param {string} submission 32 lower-case hex digits
 * @returns {Promise<string>} 16 lower-case characters
 */
export async function caseIdOf(submission) {
  if (!/^[0-9a-f]{32}$/.test(submission)) {
    throw new Error("a submission id is 32 lower-case hex digits");
  }
  const prefix = utf8.encode("peluit/case/v1\0");
  const bytes = new Uint8Array(prefix.length + 16);
  bytes.set(prefix);
  bytes.set(Uint8Array.from(submission.match(/../g) ?? [], (h) => parseInt(h, 16)), prefix.length);
  const digest = (await sha256(bytes)).subarray(0, 10);
  let number = 0n;
  for (const byte of digest) {
    number = (number << 8n) | BigInt(byte);
  }
  let id = "";
  for (let shift = 75n; shift >= 0n; shift -= 5n) {
    id += CROCKFORD[Number((number >> shift) & 31n)];
  }
  return id;
}

/**
 * The case id in a case reference as the server shows it ("K3V9-2M7Q-X0AB-4FZT").
 * @param {string} reference
 * @returns {string}
 */
export function caseIdOfReference(reference) {
  const id = reference.replaceAll("-", "").toLowerCase();
  if (!CASE_ID.test(id)) {
    throw new Error("not a case reference");
  }
  return id;
}

/**
 * What a finalization signs (version 2): the case, the SHA-256 of report.age and of
 * identity.age (or "-"), and the reply key the team will encrypt its answers to.
 * @param {string} caseId
 * @param {Uint8Array} report
 * @param {Uint8Array | null} identity
 * @param {string} replyRecipient age1pq1…
 * @returns {Promise<Uint8Array>}
 */
export async function finalizeStatement(caseId, report, identity, replyRecipient) {
  if (!CASE_ID.test(caseId) || !/^[\x21-\x7e]+$/.test(replyRecipient)) {
    throw new Error("a statement names a case id and a reply key");
  }
  const id = identity ? await sha256Hex(identity) : "-";
  return utf8.encode(
    `${LABEL_V2}\ncase ${caseId}\nreport ${await sha256Hex(report)}\nidentity ${id}\nreply ${replyRecipient}\n`,
  );
}

/**
 * What a reporter's message (or evidence manifest) signs (version 2): its case, the number it
 * takes in the thread and its ciphertext's SHA-256, so it cannot be moved or reordered.
 * @param {string} caseId
 * @param {number} seq
 * @param {Uint8Array} message
 * @returns {Promise<Uint8Array>}
 */
export async function placedMessageStatement(caseId, seq, message) {
  if (!CASE_ID.test(caseId) || !Number.isSafeInteger(seq) || seq < 1 || seq > MAX_SEQ) {
    throw new Error("a statement names a case id and a number 1…99999");
  }
  return utf8.encode(`${LABEL_V2}\ncase ${caseId}\nseq ${seq}\nmessage ${await sha256Hex(message)}\n`);
}

/**
 * What a version-1 finalization signed (pages from before version 2; kept for the tests that
 * check older cases): the SHA-256 of report.age and of identity.age (or "-").
 * @param {Uint8Array} report
 * @param {Uint8Array | null} identity
 * @returns {Promise<Uint8Array>}
 */
export async function reportStatement(report, identity) {
  const id = identity ? await sha256Hex(identity) : "-";
  return utf8.encode(`${LABEL}\nreport ${await sha256Hex(report)}\nidentity ${id}\n`);
}

/**
 * What a version-1 message signed (pages from before version 2): its ciphertext's SHA-256.
 * @param {Uint8Array} message
 * @returns {Promise<Uint8Array>}
 */
export async function messageStatement(message) {
  return utf8.encode(`${LABEL}\nmessage ${await sha256Hex(message)}\n`);
}

/**
 * Where the reporter's next message goes: the case id (from the case reference) and the number
 * it takes. One status request that lists no messages. The server always says the number; an
 * answer without one is refused (ApiError `no_thread_position`), never signed with the older,
 * unnumbered statement, which a version-2 case does not take and which would bind neither the
 * case nor the place.
 * @param {{postJson: (path: string, body: object, signal?: AbortSignal) => Promise<any>}} client
 * @param {string} token the lookup token, hex
 * @param {AbortSignal} [signal]
 * @returns {Promise<{caseId: string, seq: number}>}
 */
export async function threadPosition(client, token, signal) {
  const answer = await client.postJson("/followup/status", { token, after: MAX_SEQ }, signal);
  const seq = answer?.next_seq;
  if (!(Number.isSafeInteger(seq) && seq >= 1 && seq <= MAX_SEQ)) {
    throw new ApiError({ status: 200, code: "no_thread_position", messages: NO_POSITION });
  }
  return { caseId: caseIdOfReference(String(answer?.case)), seq };
}

/**
 * Sign `message` for its case and the number it takes, and post it with `post(signature, seq)`.
 * If someone wrote in the thread meanwhile (409 `thread_moved`), sign again for the new next
 * number: the ciphertext stays the same, and the server stores it once.
 * @template T
 * @param {Uint8Array} seed
 * @param {() => Promise<{caseId: string, seq: number}>} position
 * @param {Uint8Array} message
 * @param {(signature: string, seq: number) => Promise<T>} post
 * @returns {Promise<T>}
 */
export async function postSigned(seed, position, message, post) {
  for (let attempt = 1; ; attempt++) {
    const { caseId, seq } = await position();
    const statement = await placedMessageStatement(caseId, seq, message);
    try {
      return await post(sign(seed, statement), seq);
    } catch (err) {
      if (/** @type {{code?: string}} */ (err)?.code !== "thread_moved" || attempt >= SIGN_ATTEMPTS) {
        throw err;
      }
    }
  }
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

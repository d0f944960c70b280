// The reporter's follow-up, without the DOM (the follow-up worker runs it; tests run it under
// node): from the receipt code to the lookup token and the reply identity, the case's status
// and thread decrypted locally, and the reporter's answer — a message, or a message with new
// files uploaded exactly like a report's attachments.
//
// What the reporter writes is a `peluit-message/1` document (peluit/core/report.py
// MessageDocument) encrypted to the channel's reviewers and oversight only: not to the reply
// key, so a receipt code that falls into the wrong hands later does not reveal it. The
// reviewers' messages are `peluit-reply/1` documents (peluit/core/report.py ReplyDocument: text,
// and the manifest of files attached under `upload`) encrypted to the reply key (and the
// team); messages written before that format are plain UTF-8 text. Files the team attached are
// read out segment by segment (in chunks), each segment checked against the manifest's size and
// SHA-256 before it is decrypted, as peluit/review/attachments.py does.
import { Decrypter } from "age-encryption";
import { fromBase64, toBase64 } from "./base64.js";
import { sha256Hex, toHex } from "./digest.js";
import { checkRecipients, encryptTo, hybridFileSize } from "./encrypt.js";
import { ReceiptCode } from "./receipt.js";
import { bucket, pad } from "./padding.js";
import { fileEntry } from "./report.js";
import { postSigned, threadPosition } from "./reporter-signature.js";
import { planFiles } from "./segments.js";
import { signerKeys, verifyTeamMessage } from "./team-signature.js";
import { SubmitError } from "./submit-error.js";
import { uploadFiles } from "./upload.js";
import { fileProblems } from "./validate.js";

export const MESSAGE_FORMAT = "peluit-message/1";
export const REPLY_FORMAT = "peluit-reply/1";
/** The longest message, in characters (the same bound as peluit/core/report.py). */
export const MAX_TEXT = 20000;

/** @typedef {ReturnType<typeof import("./api.js").createClient>} Client */
/** @typedef {import("./validate.js").Limits} Limits */
/** @typedef {import("./upload.js").UploadEvent} UploadEvent */
/** @typedef {{token: string, identity: string, signingSeed: Uint8Array}} Session the lookup token (hex), reply identity and signing key */
/** @typedef {import("./report.js").FileEntry} FileEntry */
/**
 * A thread message as the reporter sees it: a reviewer's text and attached files, decrypted
 * here; the reporter's own messages stay sealed (null). `on`: the day the server numbered it
 * (null for older messages); `problem`: a team message that opened but is not a document this
 * page knows (never shown raw); `verified`: a team message signed by one of the channel's
 * reviewers for this case, number and day (team-signature.js) — false is shown as a warning,
 * never as the team's message.
 * @typedef {{seq: number, sender: "pelapor" | "penelaah", text: string | null, on: string | null,
 *   files: FileEntry[], upload: string | null, problem: string | null, verified: boolean}} ReadMessage
 */
/**
 * @typedef {{case: string, channel: string, status: string, since: string, messages: ReadMessage[]}} CaseView
 */
/**
 * @typedef {object} ReplyRequest
 * @property {string} channel the case's channel
 * @property {{report_recipients: string[]}} spec the channel's entry of channels.json
 * @property {Limits} limits
 * @property {"id" | "en"} lang
 * @property {string} text
 * @property {ReadonlyArray<Blob & {name: string}>} files
 */

/**
 * What the receipt code gives: derived here, held only in memory, never sent (only the token).
 * Rejects with a ReceiptCodeError for a code with a typo.
 * @param {string} text the code as typed
 * @returns {Promise<Session>}
 */
export async function openSession(text) {
  const code = await ReceiptCode.parse(text);
  const [token, identity, signingSeed] = await Promise.all([code.lookupToken(), code.replyIdentity(), code.signingSeed()]);
  return { token: toHex(token), identity, signingSeed };
}

/**
 * Decrypt one reviewer message with the reply identity; null if it does not open (it was
 * not written to this code's reply key, or it is damaged).
 * @param {string} identity
 * @param {string} data base64
 * @returns {Promise<Uint8Array | null>}
 */
async function decryptBytes(identity, data) {
  try {
    const decrypter = new Decrypter();
    decrypter.addIdentity(identity);
    return await decrypter.decrypt(fromBase64(data));
  } catch {
    return null;
  }
}

const HEX64 = /^[0-9a-f]{64}$/;
const HEX32 = /^[0-9a-f]{32}$/;

/** @param {unknown} entry */
function isFileEntry(entry) {
  if (!entry || typeof entry !== "object" || Array.isArray(entry)) {
    return false;
  }
  const e = /** @type {Record<string, unknown>} */ (entry);
  const keys = Object.keys(e);
  return (
    keys.every((k) => ["name", "type", "size", "segments"].includes(k)) &&
    typeof e.name === "string" && e.name.length >= 1 && e.name.length <= 255 &&
    (e.type === undefined || (typeof e.type === "string" && e.type.length <= 255)) &&
    Number.isSafeInteger(e.size) && /** @type {number} */ (e.size) >= 0 &&
    Array.isArray(e.segments) &&
    e.segments.every(
      (s) => s && typeof s === "object" && Object.keys(s).length === 2 &&
        Number.isSafeInteger(s.size) && s.size >= 1 && typeof s.sha256 === "string" && HEX64.test(s.sha256),
    )
  );
}

/**
 * Whether a document ends with "}" and nothing after it but spaces up to exactly a size bucket
 * (or nothing at all, as written before padding): peluit/core/padding.py unpad's rule.
 * @param {Uint8Array} plaintext
 */
function paddedStrictly(plaintext) {
  let end = plaintext.length;
  while (end > 0 && plaintext[end - 1] === 0x20) {
    end -= 1;
  }
  if (end === 0 || plaintext[end - 1] !== 0x7d) {
    return false;
  }
  return end === plaintext.length || bucket(plaintext.length) === plaintext.length;
}

/**
 * A team message's plaintext, decoded strictly as peluit/review/content.py decode_reply does:
 * a `peluit-reply/1` document, or plain text written before that format. JSON naming another
 * `peluit-reply/…` version, or a document that is not well formed, is a problem (never shown).
 * @param {Uint8Array} plaintext
 * @returns {{text: string | null, files: FileEntry[], upload: string | null, problem: string | null}}
 */
export function decodeReply(plaintext) {
  let text;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(plaintext);
  } catch {
    return { text: null, files: [], upload: null, problem: "not_utf8" };
  }
  /** @type {any} */
  let raw = null;
  if (text.startsWith("{")) {
    try {
      raw = JSON.parse(text);
    } catch {
      raw = null;
    }
  }
  const format = raw && typeof raw === "object" && !Array.isArray(raw) ? raw.format : undefined;
  if (typeof format !== "string" || !format.startsWith("peluit-reply/")) {
    return { text, files: [], upload: null, problem: null };
  }
  if (format !== REPLY_FORMAT) {
    return { text: null, files: [], upload: null, problem: "unknown_format" };
  }
  if (!paddedStrictly(plaintext)) {
    return { text: null, files: [], upload: null, problem: "not_padded" };
  }
  const files = raw.files ?? [];
  const upload = raw.upload ?? null;
  const valid =
    Object.keys(raw).every((k) => ["format", "text", "files", "upload"].includes(k)) &&
    typeof raw.text === "string" && Array.from(raw.text).length <= MAX_TEXT &&
    Array.isArray(files) && files.length <= 100 && files.every(isFileEntry) &&
    (upload === null ? files.length === 0 : typeof upload === "string" && HEX32.test(upload) && files.length > 0);
  if (!valid) {
    return { text: null, files: [], upload: null, problem: "invalid" };
  }
  return {
    text: raw.text,
    files: files.map((/** @type {any} */ f) => ({ ...f, type: f.type ?? "application/octet-stream" })),
    upload,
    problem: null,
  };
}

/**
 * One thread message for the page.
 * @param {string} identity
 * @param {{caseId: string, keys: Uint8Array[]}} signers the case and its channel's reviewers' keys
 * @param {{seq: number, sender: "pelapor" | "penelaah", data: string, on?: string | null, signature?: string | null}} m
 * @returns {Promise<ReadMessage>}
 */
async function readMessage(identity, signers, m) {
  const on = typeof m.on === "string" && /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(m.on) ? m.on : null;
  const base = { seq: m.seq, sender: m.sender, on, files: [], upload: null, problem: null, verified: false };
  if (m.sender !== "penelaah") {
    return { ...base, text: null };
  }
  const plaintext = await decryptBytes(identity, m.data);
  if (plaintext === null) {
    return { ...base, text: null };
  }
  const sealed = fromBase64(m.data);
  const verified = await verifyTeamMessage(signers.keys, { caseId: signers.caseId, seq: m.seq, on, sealed, signature: m.signature });
  return { ...base, ...decodeReply(plaintext), verified };
}

/**
 * The case's status and its thread, the reviewers' messages decrypted and their signatures
 * checked against `replySigners` (channels.json: the channel → its reviewers' keys), never
 * against anything the server says.
 * @param {Client} client
 * @param {Session} session
 * @param {Record<string, string[]>} replySigners
 * @param {AbortSignal} [signal]
 * @returns {Promise<CaseView>}
 */
export async function readCase(client, session, replySigners = {}, signal = undefined) {
  const status = await client.followupStatus(session.token, signal);
  const signers = {
    caseId: String(status.case).replaceAll("-", "").toLowerCase(),
    keys: signerKeys(Object.hasOwn(replySigners, status.channel) ? replySigners[status.channel] : []),
  };
  const messages = await Promise.all(status.messages.map((m) => readMessage(session.identity, signers, m)));
  return { case: status.case, channel: status.channel, status: status.status, since: status.since, messages };
}

/**
 * The plaintext of a reporter's message.
 * @param {{lang: "id" | "en", text: string, files: import("./report.js").FileEntry[]}} parts
 */
export function messageDocument({ lang, text, files }) {
  return pad(new TextEncoder().encode(JSON.stringify({ format: MESSAGE_FORMAT, lang, text, files })));
}

/**
 * What the reporter wrote, refused before anything is sent if it cannot go.
 * @param {ReplyRequest} request
 * @returns {{recipients: string[], text: string}}
 */
function checkReply(request) {
  const recipients = checkRecipients(request.spec.report_recipients);
  const text = request.text.trim();
  if (text === "" && request.files.length === 0) {
    throw new SubmitError("reply_empty");
  }
  if (Array.from(text).length > MAX_TEXT) {
    throw new SubmitError("too_long", { n: Array.from(text).length, max: MAX_TEXT });
  }
  const problems = fileProblems(request.files, request.limits);
  if (problems.length > 0) {
    throw new SubmitError(problems[0].key, problems[0].params);
  }
  return { recipients, text };
}

/**
 * Send the reporter's answer: a message, or (with files) the files and a message that lists
 * them. Resolves with the message's number and the case's numbers of the new files.
 * @param {Client} client
 * @param {Session} session
 * @param {ReplyRequest} request
 * @param {{signal?: AbortSignal, onEvent?: (event: UploadEvent | {type: "phase", phase: "message"}) => void}} [deps]
 * @returns {Promise<{seq: number, files: number[]}>}
 */
export async function sendReply(client, session, request, { signal, onEvent = () => {} } = {}) {
  const { recipients, text } = checkReply(request);
  const { files, limits, lang, channel } = request;
  const plans = planFiles(files, limits.segment_bytes);
  const sizes = plans.map((slices) => slices.map((s) => hybridFileSize(recipients.length, s.end - s.start)));
  /** @param {Array<Array<{size: number, sha256: string}>>} entries */
  const document = (entries) =>
    messageDocument({ lang, text, files: files.map((f, i) => fileEntry(f, entries[i])) });
  const placeholder = sizes.map((list) => list.map((size) => ({ size, sha256: "0".repeat(64) })));
  if (hybridFileSize(recipients.length, document(placeholder).length) > limits.report_max_bytes) {
    throw new SubmitError("report_too_large");
  }
  if (files.length === 0) {
    onEvent({ type: "phase", phase: "message" });
    const sealed = await encryptTo(recipients, document([]));
    signal?.throwIfAborted();
    // From here on no cancelling: a request that may have reached the server is completed.
    // signed for its case and the number it takes (version 2): it cannot be moved or reordered
    const position = () => threadPosition(client, session.token);
    const posted = await postSigned(session.signingSeed, position, sealed, (signature, seq) =>
      client.followupMessage(session.token, toBase64(sealed), signature, seq),
    );
    return { seq: posted.seq, files: [] };
  }
  const upload = toHex(crypto.getRandomValues(new Uint8Array(16)));
  const { entries, segments } = await uploadFiles({
    client,
    submission: upload,
    channel,
    files,
    plans,
    sizes,
    recipients,
    signal,
    onEvent,
  });
  onEvent({ type: "phase", phase: "message" });
  const manifest = await encryptTo(recipients, document(entries));
  signal?.throwIfAborted();
  const position = () => threadPosition(client, session.token);
  return postSigned(session.signingSeed, position, manifest, (signature, seq) =>
    client.followupEvidence({ token: session.token, upload, manifest: toBase64(manifest), segments, signature, ...(seq ? { seq } : {}) }),
  );
}

/** A downloaded file that is not what the team's message names: nothing of it is kept. */
export class FileIntegrityError extends Error {}

/**
 * One stored segment, read out in chunks; stops early if the server's size is not the
 * manifest's (the check below then refuses it).
 * @param {Client} client
 * @param {Session} session
 * @param {{upload: string, file: number, segment: number, size: number}} where
 * @param {AbortSignal} [signal]
 */
async function fetchSegment(client, session, { upload, file, segment, size }, signal) {
  /** @type {Uint8Array[]} */
  const parts = [];
  let offset = 0;
  for (;;) {
    const answer = await client.followupFile({ token: session.token, upload, file, segment, offset }, signal);
    if (answer.size !== size) {
      return new Uint8Array(0);
    }
    const chunk = fromBase64(answer.data);
    parts.push(chunk);
    offset += chunk.length;
    if (offset >= answer.size || chunk.length === 0) {
      break;
    }
  }
  const whole = new Uint8Array(offset);
  let at = 0;
  for (const part of parts) {
    whole.set(part, at);
    at += part.length;
  }
  return whole;
}

/**
 * File `number` of a team message, decrypted here: every segment's size and SHA-256 checked
 * against the message's manifest before it is decrypted, the whole checked against the
 * manifest's size. Rejects with FileIntegrityError otherwise; nothing partial is returned.
 * @param {Client} client
 * @param {Session} session
 * @param {ReadMessage} message
 * @param {number} number
 * @param {AbortSignal} [signal]
 * @returns {Promise<{name: string, type: string, data: Uint8Array}>}
 */
export async function downloadFile(client, session, message, number, signal) {
  const entry = message.files[number];
  if (!entry || !message.upload || entry.segments.length === 0) {
    throw new FileIntegrityError("no such file");
  }
  const decrypter = new Decrypter();
  decrypter.addIdentity(session.identity);
  const out = new Uint8Array(entry.size);
  let at = 0;
  for (const [segment, expected] of entry.segments.entries()) {
    const data = await fetchSegment(client, session, { upload: message.upload, file: number, segment, size: expected.size }, signal);
    if (data.length !== expected.size || (await sha256Hex(data)) !== expected.sha256) {
      throw new FileIntegrityError(`segment ${segment} is not the one the message names`);
    }
    let plain;
    try {
      plain = await decrypter.decrypt(data);
    } catch {
      throw new FileIntegrityError(`segment ${segment} does not decrypt`);
    }
    if (at + plain.length > entry.size) {
      throw new FileIntegrityError("longer than the message says");
    }
    out.set(plain, at);
    at += plain.length;
  }
  if (at !== entry.size) {
    throw new FileIntegrityError("shorter than the message says");
  }
  return { name: entry.name, type: entry.type || "application/octet-stream", data: out };
}

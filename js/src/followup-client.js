// The reporter's follow-up, without the DOM (the follow-up worker runs it; tests run it under
// node): from the receipt code to the lookup token and the reply identity, the case's status
// and thread decrypted locally, and the reporter's answer — a message, or a message with new
// files uploaded exactly like a report's attachments.
//
// What the reporter writes is a `peluit-message/1` document (peluit/core/report.py
// MessageDocument) encrypted to the channel's reviewers and oversight only: not to the reply
// key, so a receipt code that falls into the wrong hands later does not reveal it. The
// reviewers' messages are plain UTF-8 text encrypted to the reply key (and the team).
import { Decrypter } from "age-encryption";
import { fromBase64, toBase64 } from "./base64.js";
import { toHex } from "./digest.js";
import { checkRecipients, encryptTo, hybridFileSize } from "./encrypt.js";
import { ReceiptCode } from "./receipt.js";
import { fileEntry } from "./report.js";
import { planFiles } from "./segments.js";
import { SubmitError } from "./submit-error.js";
import { uploadFiles } from "./upload.js";
import { fileProblems } from "./validate.js";

export const MESSAGE_FORMAT = "peluit-message/1";
/** The longest message, in characters (the same bound as peluit/core/report.py). */
export const MAX_TEXT = 20000;

/** @typedef {ReturnType<typeof import("./api.js").createClient>} Client */
/** @typedef {import("./validate.js").Limits} Limits */
/** @typedef {import("./upload.js").UploadEvent} UploadEvent */
/** @typedef {{token: string, identity: string}} Session the lookup token (hex) and reply identity */
/**
 * A thread message as the reporter sees it: a reviewer's text, decrypted here; the
 * reporter's own messages stay sealed (null).
 * @typedef {{seq: number, sender: "pelapor" | "penelaah", text: string | null}} ReadMessage
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
  const [token, identity] = await Promise.all([code.lookupToken(), code.replyIdentity()]);
  return { token: toHex(token), identity };
}

/**
 * Decrypt one reviewer message with the reply identity; null if it does not open (it was
 * not written to this code's reply key, or it is damaged).
 * @param {string} identity
 * @param {string} data base64
 * @returns {Promise<string | null>}
 */
async function decryptText(identity, data) {
  try {
    const decrypter = new Decrypter();
    decrypter.addIdentity(identity);
    return await decrypter.decrypt(fromBase64(data), "text");
  } catch {
    return null;
  }
}

/**
 * The case's status and its thread, the reviewers' messages decrypted.
 * @param {Client} client
 * @param {Session} session
 * @param {AbortSignal} [signal]
 * @returns {Promise<CaseView>}
 */
export async function readCase(client, session, signal) {
  const status = await client.followupStatus(session.token, signal);
  const messages = await Promise.all(
    status.messages.map(async (m) => ({
      seq: m.seq,
      sender: m.sender,
      text: m.sender === "penelaah" ? await decryptText(session.identity, m.data) : null,
    })),
  );
  return { case: status.case, channel: status.channel, status: status.status, since: status.since, messages };
}

/**
 * The plaintext of a reporter's message.
 * @param {{lang: "id" | "en", text: string, files: import("./report.js").FileEntry[]}} parts
 */
export function messageDocument({ lang, text, files }) {
  return new TextEncoder().encode(JSON.stringify({ format: MESSAGE_FORMAT, lang, text, files }));
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
    const posted = await client.followupMessage(session.token, toBase64(sealed));
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
  return client.followupEvidence({ token: session.token, upload, manifest: toBase64(manifest), segments });
}

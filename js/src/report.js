// The documents inside report.age and identity.age, version 1: the same shapes as
// peluit/core/report.py (ReportDocument, IdentityDocument), which refuses unknown keys.
// Built here, encrypted elsewhere; the server never sees them.
import { pad } from "./padding.js";

export const REPORT_FORMAT = "peluit-report/1";
export const IDENTITY_FORMAT = "peluit-identity/1";
export const IDENTITY_CHOICES = /** @type {const} */ (["anonymous", "confidential", "open"]);
const MAX_NAME = 255;
const DEFAULT_TYPE = "application/octet-stream";
const SHA256_HEX = /^[0-9a-f]{64}$/;
const ED25519_HEX = /^[0-9a-f]{64}$/;

/** @typedef {string | boolean | null} AnswerValue */
/** @typedef {Record<string, AnswerValue>} Answers */
/** @typedef {"anonymous" | "confidential" | "open"} IdentityChoice */
/** @typedef {{size: number, sha256: string}} SegmentEntry ciphertext size and SHA-256 hex */
/** @typedef {{name: string, type: string, size: number, segments: SegmentEntry[]}} FileEntry */
/**
 * @typedef {object} ReportDocument
 * @property {"peluit-report/1"} format
 * @property {string} channel
 * @property {"id" | "en"} lang
 * @property {Answers} answers
 * @property {IdentityChoice} identity_choice
 * @property {Answers | null} identity only when the reporter chose "open"
 * @property {FileEntry[]} files
 * @property {string} [reporter_key] the receipt code's Ed25519 public key, hex (ADR 0054)
 * @property {string} [reply_recipient] the receipt code's reply key, as the finalization sends it
 */
/** @typedef {{format: "peluit-identity/1", channel: string, fields: Answers, case?: string}} IdentityDocument */

/**
 * @param {unknown} answers
 * @param {string} what
 * @returns {Answers}
 */
function checkAnswers(answers, what) {
  if (typeof answers !== "object" || answers === null || Array.isArray(answers)) {
    throw new TypeError(`${what} must be an object`);
  }
  /** @type {Answers} */
  const out = {};
  for (const [key, value] of Object.entries(answers)) {
    if (!(value === null || typeof value === "string" || typeof value === "boolean")) {
      throw new TypeError(`${what}.${key} must be text, true/false or null`);
    }
    out[key] = value;
  }
  return out;
}

/**
 * A file name the report can carry: at most 255 characters (Unicode code points, as the
 * Python model counts them), keeping the extension when it has to shorten; never empty.
 * @param {string} name
 */
export function fileName(name) {
  const chars = Array.from(String(name ?? ""));
  if (chars.length === 0) {
    return "lampiran";
  }
  if (chars.length <= MAX_NAME) {
    return chars.join("");
  }
  const dot = chars.lastIndexOf(".");
  const ext = dot > 0 && chars.length - dot <= 16 ? chars.slice(dot) : [];
  return [...chars.slice(0, MAX_NAME - ext.length - 1), "…", ...ext].join("");
}

/**
 * A manifest entry for one attachment.
 * @param {{name: string, type?: string, size: number}} file a File, or its description
 * @param {SegmentEntry[]} segments each segment's ciphertext size and SHA-256, in order
 * @returns {FileEntry}
 */
export function fileEntry(file, segments) {
  if (!Number.isSafeInteger(file.size) || file.size < 0) {
    throw new TypeError("a file size is a non-negative integer");
  }
  for (const s of segments) {
    if (!Number.isSafeInteger(s.size) || s.size < 1 || !SHA256_HEX.test(s.sha256)) {
      throw new TypeError("a segment entry has a positive size and a lower-case SHA-256 hex");
    }
  }
  const type = file.type && Array.from(file.type).length <= MAX_NAME ? file.type : DEFAULT_TYPE;
  return {
    name: fileName(file.name),
    type,
    size: file.size,
    segments: segments.map((s) => ({ size: s.size, sha256: s.sha256 })),
  };
}

/**
 * The plaintext of report.age.
 * @param {object} parts
 * @param {string} parts.channel
 * @param {"id" | "en"} parts.lang
 * @param {Answers} parts.answers the channel's non-identity fields
 * @param {IdentityChoice} parts.identityChoice
 * @param {Answers | null} [parts.identity] the identity fields, only with "open"
 * @param {FileEntry[]} [parts.files]
 * @param {{reporterKey: string, replyRecipient: string} | null} [parts.keys] the reporter's
 *   signing key and reply key: inside the encryption the server cannot change them, and the
 *   review tool refuses a case whose server-side keys differ (ADR 0054). Every submission sets them.
 * @returns {ReportDocument}
 */
export function reportDocument({ channel, lang, answers, identityChoice, identity = null, files = [], keys = null }) {
  if (typeof channel !== "string" || channel === "") {
    throw new TypeError("channel must be a channel id");
  }
  if (lang !== "id" && lang !== "en") {
    throw new TypeError('lang must be "id" or "en"');
  }
  if (!IDENTITY_CHOICES.includes(identityChoice)) {
    throw new TypeError("identity_choice must be anonymous, confidential or open");
  }
  if ((identityChoice === "open") !== (identity !== null)) {
    throw new TypeError('the report carries identity fields exactly when the choice is "open"');
  }
  if (keys !== null && (!ED25519_HEX.test(keys.reporterKey) || !/^[\x21-\x7e]+$/.test(keys.replyRecipient))) {
    throw new TypeError("the keys are an Ed25519 public key (64 hex) and an age recipient");
  }
  return {
    format: REPORT_FORMAT,
    channel,
    lang,
    answers: checkAnswers(answers, "answers"),
    identity_choice: identityChoice,
    identity: identity === null ? null : checkAnswers(identity, "identity"),
    files: files.map((f) => fileEntry(f, f.segments)),
    ...(keys === null ? {} : { reporter_key: keys.reporterKey, reply_recipient: keys.replyRecipient }),
  };
}

/**
 * The plaintext of identity.age (the channel's custodians only). `caseId`: the case the block is
 * sent with, so that a custodian's tool never grants it as another case's (ADR 0059).
 * @param {object} parts
 * @param {string} parts.channel
 * @param {Answers} parts.fields the identity fields
 * @param {string} [parts.caseId] the case id the submission id becomes (reporter-signature.js `caseIdOf`)
 * @returns {IdentityDocument}
 */
export function identityDocument({ channel, fields, caseId }) {
  if (typeof channel !== "string" || channel === "") {
    throw new TypeError("channel must be a channel id");
  }
  if (caseId !== undefined && !/^[0-9a-hjkmnp-tv-z]{16}$/.test(caseId)) {
    throw new TypeError("caseId must be a case id (16 characters)");
  }
  /** @type {IdentityDocument} */
  const doc = { format: IDENTITY_FORMAT, channel, fields: checkAnswers(fields, "fields") };
  if (caseId !== undefined) {
    doc.case = caseId;
  }
  return doc;
}

/**
 * A document as the bytes to encrypt: JSON, UTF-8, padded with spaces to its size bucket
 * (padding.js), so its length does not tell how long the answers are.
 * @param {ReportDocument | IdentityDocument} doc
 * @returns {Uint8Array}
 */
export function encodeDocument(doc) {
  return pad(new TextEncoder().encode(JSON.stringify(doc)));
}

// The follow-up page's calls of the public API (api.js `createClient` gives them its retried,
// proof-of-work-carrying `postJson`): a case's status and thread for the receipt code's lookup
// token, the reporter's messages and evidence, and the review team's attached files.
import { ApiError, UNEXPECTED } from "./api-error.js";

/**
 * data: base64; on: the day it was numbered; signature: a team message's writer's signature
 * (hex, team-signature.js), checked by the page against channels.json, never trusted as given
 * @typedef {{seq: number, sender: "pelapor" | "penelaah", data: string, on?: string | null, signature?: string | null}} FollowupMessage
 */
/**
 * @typedef {{case: string, channel: string, status: string, since: string,
 *   messages: FollowupMessage[], more: boolean}} FollowupStatus
 */
/** @typedef {(path: string, body: unknown, signal?: AbortSignal) => Promise<any>} PostJson */
/** @typedef {import("./api.js").SegmentIn} SegmentIn */

/**
 * @param {any} value
 * @returns {value is FollowupStatus}
 */
function isStatus(value) {
  return (
    typeof value === "object" &&
    value !== null &&
    ["case", "channel", "status", "since"].every((k) => typeof value[k] === "string") &&
    typeof value.more === "boolean" &&
    Array.isArray(value.messages) &&
    value.messages.every(
      (/** @type {any} */ m) =>
        Number.isSafeInteger(m?.seq) && (m.sender === "pelapor" || m.sender === "penelaah") && typeof m.data === "string",
    )
  );
}

/**
 * The follow-up calls, over `postJson`.
 * @param {PostJson} postJson
 */
export function followupCalls(postJson) {
  /**
   * A case's status and thread, as ciphertext, for the receipt code's lookup token; pages
   * through the thread until every message is there.
   * @param {string} token the lookup token, 64 hex digits
   * @param {AbortSignal} [signal]
   * @returns {Promise<FollowupStatus>}
   */
  async function followupStatus(token, signal) {
    /** @type {FollowupMessage[]} */
    const messages = [];
    for (let after = 0; ; ) {
      const answer = await postJson("/followup/status", { token, after }, signal);
      if (!isStatus(answer)) {
        throw new ApiError({ status: 200, code: "invalid_response", messages: UNEXPECTED });
      }
      messages.push(...answer.messages);
      const last = answer.messages.at(-1);
      if (!answer.more || !last || last.seq <= after) {
        return { ...answer, messages, more: false };
      }
      after = last.seq;
    }
  }

  /**
   * Post the reporter's message (an age file, to the channel's reviewers and oversight).
   * @param {string} token
   * @param {string} message base64
   * @param {string} signature the reporter's signature over it, hex
   * @param {number | null} [seq] the number the signature names (statement version 2)
   * @param {AbortSignal} [signal]
   * @returns {Promise<{seq: number}>}
   */
  async function followupMessage(token, message, signature, seq = null, signal = undefined) {
    const body = { token, message, signature, ...(seq ? { seq } : {}) };
    const answer = await postJson("/followup/messages", body, signal);
    if (!Number.isSafeInteger(answer?.seq)) {
      throw new ApiError({ status: 200, code: "invalid_response", messages: UNEXPECTED });
    }
    return { seq: answer.seq };
  }

  /**
   * Move staged segments into the case as new files, with their manifest message.
   * @param {{token: string, upload: string, manifest: string, segments: SegmentIn[], signature: string, seq?: number}} body
   * @param {AbortSignal} [signal]
   * @returns {Promise<{seq: number, files: number[]}>}
   */
  async function followupEvidence(body, signal) {
    const answer = await postJson("/followup/evidence", body, signal);
    if (!Number.isSafeInteger(answer?.seq) || !Array.isArray(answer?.files)) {
      throw new ApiError({ status: 200, code: "invalid_response", messages: UNEXPECTED });
    }
    return { seq: answer.seq, files: answer.files };
  }

  /**
   * Bytes `offset`… (at most 3 MiB) of one stored segment of a file the review team attached
   * to a message: `{size, offset, data}` (data base64, the whole segment is `size` bytes).
   * @param {{token: string, upload: string, file: number, segment: number, offset: number}} body
   * @param {AbortSignal} [signal]
   * @returns {Promise<{size: number, offset: number, data: string}>}
   */
  async function followupFile(body, signal) {
    const answer = await postJson("/followup/files", body, signal);
    if (!Number.isSafeInteger(answer?.size) || answer?.offset !== body.offset || typeof answer?.data !== "string") {
      throw new ApiError({ status: 200, code: "invalid_response", messages: UNEXPECTED });
    }
    return { size: answer.size, offset: answer.offset, data: answer.data };
  }

  return { followupStatus, followupMessage, followupEvidence, followupFile };
}

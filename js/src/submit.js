// One submission, start to finish, without the DOM (the worker runs it; tests run it under
// node): receipt code, encrypted segments uploaded one by one while the next is encrypted,
// the encrypted report (and identity block), finalization. Fails closed: the recipient policy
// and the report's size are checked before anything is sent, and the case is filed only
// after every segment is stored.
import { ApiError } from "./api.js";
import { toBase64 } from "./base64.js";
import { checkRecipients, encryptTo, hybridFileSize } from "./encrypt.js";
import { span, spanStart } from "./phases.js";
import { toHex } from "./digest.js";
import { ReceiptCode } from "./receipt.js";
import { recipientSetFingerprint } from "./recipient-set.js";
import { STATEMENT, caseIdOf, finalizeStatement, publicKey, sign } from "./reporter-signature.js";
import { encodeDocument, fileEntry, identityDocument, reportDocument } from "./report.js";
import { planFiles } from "./segments.js";
import { SubmitError } from "./submit-error.js";
import { uploadFiles } from "./upload.js";
import { fileProblems, identityChoices } from "./validate.js";

/** @typedef {import("./report.js").Answers} Answers */
/** @typedef {import("./report.js").IdentityChoice} IdentityChoice */
/** @typedef {import("./validate.js").Limits} Limits */
/**
 * A channel as channels.json describes it (the parts used here).
 * @typedef {object} ChannelSpec
 * @property {"optional" | "required" | "none"} identity
 * @property {string[]} report_recipients
 * @property {string[]} identity_recipients
 */
/**
 * @typedef {object} SubmitRequest
 * @property {string} channel the channel's id
 * @property {ChannelSpec} spec
 * @property {Limits} limits
 * @property {"id" | "en"} lang
 * @property {Answers} answers the non-identity fields
 * @property {IdentityChoice} identityChoice
 * @property {Answers | null} identity the identity fields (ignored when "anonymous")
 * @property {ReadonlyArray<Blob & {name: string}>} files
 */
/**
 * What the caller is told as it goes.
 * @typedef {{type: "phase", phase: "preparing" | "report" | "finalizing"}
 *   | {type: "segment", file: number, segment: number, segments: number}
 *   | {type: "progress", file: number, sent: number, total: number, overallSent: number, overallTotal: number}
 * } SubmitEvent
 */
/**
 * @typedef {object} SubmitResult
 * @property {string} receipt the receipt code, formatted: shown to the reporter once
 * @property {string} case the case reference
 * @property {string} acknowledgedOn the server's date, YYYY-MM-DD
 */

export { toBase64 } from "./base64.js";
export { SubmitError } from "./submit-error.js";

/**
 * What the reporter chose about identity, as the documents carry it: the report's `identity`
 * (only "open") and the identity block's fields (with "confidential", and with "open" on a
 * channel whose identity is required: the server demands the block there).
 * @param {ChannelSpec} spec
 * @param {IdentityChoice} choice
 * @param {Answers | null} fields
 */
function identityParts(spec, choice, fields) {
  if (!identityChoices(spec.identity).includes(choice)) {
    throw new SubmitError("identity_choice");
  }
  if (choice === "anonymous") {
    return { inReport: null, block: null };
  }
  const given = fields ?? {};
  return {
    inReport: choice === "open" ? given : null,
    block: choice === "confidential" || spec.identity === "required" ? given : null,
  };
}

/**
 * Whether a failed finalization may nevertheless have filed the case: the request may have
 * reached the server (no answer, a server error, a timeout, a refusal to be retried later).
 * Any other answer is a definite refusal.
 * @param {unknown} err
 */
export function outcomeUnknown(err) {
  return err instanceof ApiError && (err.status === 0 || err.status >= 500 || err.status === 408 || err.status === 429);
}

/**
 * Submit one report. Resolves with the receipt, or rejects (SubmitError, ApiError,
 * RecipientPolicyError, the signal's reason…) with nothing filed — except when finalization
 * failed with its outcome unknown and there is no `whenStalled` to ask (see below).
 * @param {SubmitRequest} request
 * @param {object} deps
 * @param {ReturnType<typeof import("./api.js").createClient>} deps.client
 * @param {AbortSignal} [deps.signal] aborts everything before finalization
 * @param {(event: SubmitEvent) => void} [deps.onEvent]
 * @param {(error: unknown) => Promise<void>} [deps.whenStalled] called when finalization
 *   failed after all its retries with its outcome unknown (`outcomeUnknown`): the case may be
 *   filed. Resolve to send the very same finalization again (idempotent on the server: no
 *   second case, the same receipt code); reject to give up with that rejection.
 * @returns {Promise<SubmitResult>}
 */
export async function submit(request, { client, signal, onEvent = () => {}, whenStalled }) {
  const { channel, spec, limits, files } = request;
  onEvent({ type: "phase", phase: "preparing" });
  let started = spanStart();

  // 1. Everything that can be refused without the network, refused first.
  const reportRecipients = checkRecipients(spec.report_recipients);
  const identity = identityParts(spec, request.identityChoice, request.identity);
  const identityRecipients = identity.block ? checkRecipients(spec.identity_recipients) : [];
  const problems = fileProblems(files, limits);
  if (problems.length > 0) {
    throw new SubmitError(problems[0].key, problems[0].params);
  }
  const plans = planFiles(files, limits.segment_bytes);
  const sizes = plans.map((slices) =>
    slices.map((s) => hybridFileSize(reportRecipients.length, s.end - s.start)),
  );
  const code = await ReceiptCode.generate();
  const [lookupHash, replyRecipient, signingSeed] = await Promise.all([
    code.lookupHash(),
    code.replyRecipient(),
    code.signingSeed(),
  ]);
  // inside the encryption, out of the server's reach: the review tool refuses a case whose
  // reply.json names other keys (ADR 0054)
  const keys = { reporterKey: publicKey(signingSeed), replyRecipient };
  /** @param {Array<Array<{size: number, sha256: string}>>} segmentEntries */
  const buildReport = (segmentEntries) =>
    reportDocument({
      channel,
      lang: request.lang,
      answers: request.answers,
      identityChoice: request.identityChoice,
      identity: identity.inReport,
      files: files.map((f, i) => fileEntry(f, segmentEntries[i])),
      keys,
    });
  // The manifest's length does not depend on the hashes (64 hex digits each), so the
  // encrypted report's size is known exactly now, before any upload.
  const placeholder = sizes.map((list) => list.map((size) => ({ size, sha256: "0".repeat(64) })));
  const reportBytes = encodeDocument(buildReport(placeholder)).length;
  if (hybridFileSize(reportRecipients.length, reportBytes) > limits.report_max_bytes) {
    throw new SubmitError("report_too_large");
  }

  const submission = toHex(crypto.getRandomValues(new Uint8Array(16)));
  span("prepare", started);
  started = spanStart();

  /**
   * 3. The report and the identity block, encrypted, in the finalization's body.
   * @param {import("./upload.js").Listed} listed
   */
  const finalization = async ({ entries, segments }) => {
    const report = await encryptTo(reportRecipients, encodeDocument(buildReport(entries)));
    const block = identity.block
      ? await encryptTo(
          identityRecipients,
          encodeDocument(identityDocument({ channel, fields: identity.block, caseId: await caseIdOf(submission) })),
        )
      : null;
    return {
      channel,
      report: toBase64(report),
      identity: block ? toBase64(block) : null,
      segments,
      lookup_hash: lookupHash,
      reply_recipient: replyRecipient,
      // which keys this page encrypted to: after a key change the server refuses a stale set
      recipients_sha256: await recipientSetFingerprint(spec.report_recipients, spec.identity_recipients),
      // signed with the receipt code's key, with the case and the reply key: the review tool can
      // tell this report from a substitute, and encrypts replies only to this reply key
      reporter_key: keys.reporterKey,
      signature: sign(signingSeed, await finalizeStatement(await caseIdOf(submission), report, block, replyRecipient)),
      statement: STATEMENT,
    };
  };

  // 2. Segments: encrypt the next while the current one uploads; one ciphertext buffer, reused
  // (upload.js). Once every segment is hashed and planned, the finalization's body is made and
  // its proof of work found while the last PUTs run: the case is still filed only after every
  // segment is stored, and with that same body, to which the proof is bound.
  /** @type {ReturnType<typeof finalization> | null} */
  let early = null;
  // the early proof of work stops if the upload fails: searches take turns, and a retry's wait
  const ahead = new AbortController();
  const forward = () => ahead.abort(signal?.reason);
  signal?.addEventListener("abort", forward, { once: true });
  const listed = await uploadFiles({
    client,
    submission,
    channel,
    files,
    plans,
    sizes,
    recipients: reportRecipients,
    signal,
    onEvent,
    onHashed: (known) => {
      early = finalization(known).then((made) => {
        client.proveFinalizeAhead(submission, made, ahead.signal);
        return made;
      });
      early.catch(() => {}); // awaited below unless the upload fails; never an unhandled rejection
    },
  }).catch((err) => {
    ahead.abort(err);
    throw err;
  }).finally(() => signal?.removeEventListener("abort", forward));
  span("upload", started);
  started = spanStart();
  signal?.throwIfAborted();
  onEvent({ type: "phase", phase: "report" });
  // `early` was made from the very segments `listed` holds (upload.js `onHashed`)
  const body = await (early ?? finalization(listed));
  span("report", started);

  // 4. Finalize. From here on there is no cancelling: a request that may have reached the
  // server is completed (and retried; then, if its outcome is still unknown, sent again when
  // the reporter asks), so the reporter never loses a filed case's receipt.
  signal?.throwIfAborted();
  onEvent({ type: "phase", phase: "finalizing" });
  for (;;) {
    try {
      const receipt = await client.finalize(submission, body);
      return { receipt: code.toString(), case: receipt.case, acknowledgedOn: receipt.acknowledged_on };
    } catch (err) {
      if (!whenStalled || !outcomeUnknown(err)) {
        throw err;
      }
      await whenStalled(err);
      onEvent({ type: "phase", phase: "finalizing" });
    }
  }
}

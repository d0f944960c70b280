// The Web Worker entry (bundled to assets/peluit/worker.js): runs one submission (submit.js)
// off the page's thread. It encrypts AND uploads: ciphertext never travels back to the page,
// the page stays responsive on slow phones, memory stays bounded (upload.js, ADR 0011), and the page
// can stop everything at once. One worker per attempt; it holds nothing afterwards.
//
// Page → worker: {type: "submit", api, request} then, maybe, {type: "cancel"}.
// Worker → page: {type: "event", event} (progress), {type: "retry", reason, delayMs},
// {type: "stalled", error} (finalization failed with its outcome unknown: the page asks the
// reporter, then sends {type: "finalize-again"}, and the worker sends the same finalization
// again), then exactly one of {type: "done", result}, {type: "cancelled"},
// {type: "failed", error} where error is {code, messages: {id, en}} (from the server) or
// {key, params} (messages.js).
import { createClient, xhrPut } from "./api.js";
import { serveEncryption } from "./encrypt-lanes.js";
import { describeFailure } from "./failure.js";
import { submit } from "./submit.js";

/** @typedef {{code?: string, messages?: {id: string, en: string}, key?: string, params?: Record<string, string | number>}} WorkerError */

const scope = /** @type {DedicatedWorkerGlobalScope} */ (/** @type {unknown} */ (self));
const controller = new AbortController();
let started = false;
/** @type {(() => void) | null} resumes a stalled finalization */
let finalizeAgain = null;

/**
 * What the page is told about a failure: never a stack, never data.
 * @param {unknown} err
 * @returns {WorkerError}
 */
function describe(err) {
  return describeFailure(err) ?? { key: "worker_failed" };
}

/** @param {{api: string, request: import("./submit.js").SubmitRequest}} message */
async function run({ api, request }) {
  const client = createClient({
    api,
    powBits: request.limits.pow_bits,
    put: typeof XMLHttpRequest === "function" ? xhrPut : undefined,
    onRetry: (retry) => scope.postMessage({ type: "retry", ...retry }),
  });
  let finalizing = false; // from then on a cancel is too late: the outcome is reported as it is
  try {
    const result = await submit(request, {
      client,
      signal: controller.signal,
      onEvent: (event) => {
        finalizing ||= event.type === "phase" && event.phase === "finalizing";
        scope.postMessage({ type: "event", event });
      },
      whenStalled: (err) =>
        new Promise((resolve) => {
          finalizeAgain = resolve;
          scope.postMessage({ type: "stalled", error: describe(err) });
        }),
    });
    scope.postMessage({ type: "done", result });
  } catch (err) {
    if (controller.signal.aborted && !finalizing) {
      scope.postMessage({ type: "cancelled" });
    } else {
      scope.postMessage({ type: "failed", error: describe(err) });
    }
  }
}

/** @param {MessageEvent} event */
scope.onmessage = (event) => {
  const message = event.data;
  if (serveEncryption(scope, message)) {
    return; // this worker is an encryption lane of another one's upload (encrypt-lanes.js)
  }
  if (message?.type === "submit" && !started) {
    started = true;
    run(message);
  } else if (message?.type === "finalize-again" && finalizeAgain) {
    const resume = finalizeAgain;
    finalizeAgain = null;
    resume();
  } else if (message?.type === "cancel") {
    controller.abort(new DOMException("cancelled by the reporter", "AbortError"));
  }
};

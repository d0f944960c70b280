// The follow-up page's Web Worker (bundled to assets/peluit/followup-worker.js): everything
// that touches the receipt code's secrets or the age library runs here, off the page's
// thread — deriving the lookup token and the reply identity, the proofs of work, decrypting
// the reviewers' messages, encrypting and uploading the reporter's answer. The token and the
// identity live in this worker's memory only; the page ends the worker to forget them.
//
// Page → worker: {type: "open", api, code, powBits, replySigners} (channels.json's
// `reply_signers` by channel: who may sign the team's messages), then any number of {type: "refresh"},
// {type: "send", request} (followup-client.js ReplyRequest), {type: "download", seq, file}
// (a file the team attached, checked and decrypted here), and {type: "cancel"} to stop a send
// before its last request.
// Worker → page: {type: "case", view} after "open" and "refresh"; {type: "sent", result,
// view} after "send"; {type: "file", seq, file, name, mime, data} (an ArrayBuffer, transferred)
// or {type: "file_failed", seq, file, error} after "download"; {type: "event", event} and
// {type: "retry", …} as it goes; {type: "failed", error} where error is {code, messages} (the
// server's) or {key, params}.
import { createClient, xhrPut } from "./api.js";
import { serveEncryption } from "./encrypt-lanes.js";
import { describeFailure } from "./failure.js";
import { FileIntegrityError, downloadFile, openSession, readCase, sendReply } from "./followup-client.js";

const scope = /** @type {DedicatedWorkerGlobalScope} */ (/** @type {unknown} */ (self));
/** @type {{client: ReturnType<typeof createClient>, session: import("./followup-client.js").Session} | null} */
let opened = null;
/** @type {AbortController | null} */
let sending = null;
/** The messages as last read, to find a file's manifest (never the page's copy). */
/** @type {import("./followup-client.js").ReadMessage[]} */
let lastMessages = [];

/**
 * What the page is told about a failure: never a stack, never data.
 * @param {unknown} err
 */
function describe(err) {
  if (err instanceof DOMException && err.name === "AbortError") {
    return { key: "reply_cancelled" };
  }
  return describeFailure(err) ?? { key: "worker_failed" };
}

/** The channels' reviewers' signing keys from channels.json (the page's, never the API's). */
/** @type {Record<string, string[]>} */
let replySigners = {};

/** @param {{api: string, code: string, powBits?: number, replySigners?: Record<string, string[]>}} message */
async function open({ api, code, powBits, replySigners: signers }) {
  replySigners = signers ?? {};
  const session = await openSession(code);
  const client = createClient({
    api,
    powBits,
    put: typeof XMLHttpRequest === "function" ? xhrPut : undefined,
    onRetry: (retry) => scope.postMessage({ type: "retry", ...retry }),
  });
  const view = await readCase(client, session, replySigners);
  opened = { client, session };
  lastMessages = view.messages;
  scope.postMessage({ type: "case", view });
}

async function refresh() {
  if (opened) {
    const view = await readCase(opened.client, opened.session, replySigners);
    lastMessages = view.messages;
    scope.postMessage({ type: "case", view });
  }
}

/** @param {{seq: number, file: number}} wanted */
async function download({ seq, file }) {
  const message = lastMessages.find((m) => m.seq === seq && m.sender === "penelaah");
  if (!opened || !message) {
    return;
  }
  if (!message.verified) {
    // The page offers no button for these; a file listed by an unverified message is refused.
    scope.postMessage({ type: "file_failed", seq, file, error: { key: "reply_files_unverified" } });
    return;
  }
  try {
    const got = await downloadFile(opened.client, opened.session, message, file);
    const data = got.data.buffer;
    scope.postMessage({ type: "file", seq, file, name: got.name, mime: got.type, data }, [data]);
  } catch (err) {
    const error = err instanceof FileIntegrityError ? { key: "file_altered" } : describe(err);
    scope.postMessage({ type: "file_failed", seq, file, error });
  }
}

/** @param {import("./followup-client.js").ReplyRequest} request */
async function send(request) {
  if (!opened || sending) {
    return;
  }
  sending = new AbortController();
  try {
    const result = await sendReply(opened.client, opened.session, request, {
      signal: sending.signal,
      onEvent: (event) => scope.postMessage({ type: "event", event }),
    });
    // The message is filed: say so even if reading the thread again fails now.
    const view = await readCase(opened.client, opened.session, replySigners).catch(() => null);
    if (view) {
      lastMessages = view.messages;
    }
    scope.postMessage({ type: "sent", result, view });
  } finally {
    sending = null;
  }
}

/** @param {MessageEvent} event */
scope.onmessage = (event) => {
  const message = event.data;
  if (serveEncryption(scope, message)) {
    return; // this worker is an encryption lane of another one's upload (encrypt-lanes.js)
  }
  /** @type {Promise<void> | null} */
  let work = null;
  if (message?.type === "open" && !opened) {
    work = open(message);
  } else if (message?.type === "refresh") {
    work = refresh();
  } else if (message?.type === "send") {
    work = send(message.request);
  } else if (message?.type === "download") {
    work = download(message);
  } else if (message?.type === "cancel") {
    sending?.abort(new DOMException("cancelled by the reporter", "AbortError"));
  }
  work?.catch((err) => scope.postMessage({ type: "failed", error: describe(err) }));
};

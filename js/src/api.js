// The public API client: plan a segment's upload, PUT it to the presigned URL, finalize.
//
// Network errors, timeouts, 5xx, 408 and 429 (and S3's 400 RequestTimeout on a PUT) are
// retried with exponential backoff and jitter. A PUT refused with 403 (an expired or rejected URL: `upload_rejected` here, an XML
// AccessDenied from S3) asks for a new URL for the same ciphertext, a bounded number of times.
// A PUT answered 409 or 412 means the object is already there (an earlier attempt whose answer
// was lost; keys are create-only and bound to the ciphertext's SHA-256): done. Other answers
// fail with an ApiError carrying the server's code and its Indonesian and English message.
// Everything takes an AbortSignal; an abort is never retried.
//
// Every POST carries a proof of work (pow.js) for its exact path and body, found before the
// first try and reused by the retries (it stays valid for ten to twenty minutes). If the
// server refuses it (`pow_required`, `pow_invalid`, `pow_expired`: a stale difficulty in
// channels.json, a device clock that is wrong, a retry that outlived the window), its answer
// names the difficulty and its own time bucket, and the work is redone once with those.
import { ApiError, NETWORK_ERROR, UNEXPECTED, errorFromResponse } from "./api-error.js";
import { followupCalls } from "./api-followup.js";
import { measured } from "./phases.js";
import { solve, withPow } from "./pow.js";
import { fetchPut, s3TimeoutAsRetry } from "./segment-put.js";
import { TimeoutError, sleep, withTimeout } from "./timing.js";

export { ApiError, NETWORK_ERROR, errorFromResponse } from "./api-error.js";
export { fetchPut, xhrPut } from "./segment-put.js";
export { sleep } from "./timing.js";

/** @typedef {import("./api-error.js").Text} Text */
/** @typedef {import("./api-error.js").PowTerms} PowTerms */
/** @typedef {import("./segment-put.js").PutResponse} PutResponse */
/** @typedef {import("./segment-put.js").PutFn} PutFn */

/** @typedef {{file: number, index: number, size: number, sha256: string}} SegmentIn */
/** @typedef {{file: number, index: number, url: string, method: string, headers: Record<string, string>}} Upload */
/** @typedef {{case: string, acknowledged_on: string}} Receipt */
/**
 * Told before each wait: why, which try failed, how long until the next.
 * @typedef {{reason: "network" | "server" | "replan", attempt: number, delayMs: number}} RetryEvent
 */
/**
 * @typedef {object} ClientOptions
 * @property {string} api the API prefix from channels.json, e.g. "/api/v1"
 * @property {string} [base] what relative URLs resolve against (default: the page's or worker's location)
 * @property {typeof fetch} [fetch]
 * @property {PutFn} [put]
 * @property {(ms: number, signal?: AbortSignal) => Promise<void>} [sleep]
 * @property {() => number} [random] in [0, 1), for jitter
 * @property {number} [attempts] tries per request before giving up (default 6)
 * @property {number} [baseDelayMs] first backoff (default 1000; doubles each time)
 * @property {number} [maxDelayMs] longest backoff (default 30000)
 * @property {number} [replans] new URLs asked for one segment after 403s (default 3)
 * @property {number} [requestTimeoutMs] per JSON request (default 60000)
 * @property {number} [minBytesPerSecond] a PUT slower than this times out (default 16384)
 * @property {(event: RetryEvent) => void} [onRetry]
 * @property {number} [powBits] the proof-of-work difficulty (channels.json `limits.pow_bits`)
 * @property {SolveFn} [solvePow] how a proof of work is found (default: pow.js `solve`)
 */
/**
 * @typedef {(request: {method: string, path: string, body: Uint8Array, bits: number},
 *   options: {signal?: AbortSignal, bucket?: number}) => Promise<string>} SolveFn
 */

const RETRY_STATUS = new Set([408, 429]);
const DONE_STATUS = new Set([409, 412]);
const POW_CODES = new Set(["pow_required", "pow_invalid", "pow_expired"]);
const utf8 = new TextEncoder();

/**
 * @param {ClientOptions} options
 */
export function createClient(options) {
  const fetchFn = options.fetch ?? globalThis.fetch.bind(globalThis);
  const put = options.put ?? fetchPut(fetchFn);
  const wait = options.sleep ?? sleep;
  const random = options.random ?? Math.random;
  const attempts = options.attempts ?? 6;
  const baseDelayMs = options.baseDelayMs ?? 1000;
  const maxDelayMs = options.maxDelayMs ?? 30000;
  const maxReplans = options.replans ?? 3;
  const requestTimeoutMs = options.requestTimeoutMs ?? 60000;
  const minBytesPerSecond = options.minBytesPerSecond ?? 16384;
  const base = options.base ?? globalThis.location?.href;
  const api = options.api.replace(/\/+$/, "");
  const search = options.solvePow ?? solve;
  /** @type {Promise<unknown>} the proof of work being searched, settled or not */
  let searching = Promise.resolve();
  /**
   * One search at a time, in the order asked: two side by side in one thread would both end
   * late, and the first one asked (an earlier plan, whose PUTs wait for it) is needed first.
   * @type {SolveFn}
   */
  const solvePow = (request, solveOptions) => {
    const turn = searching.then(() => search(request, solveOptions));
    searching = turn.catch(() => {});
    return turn;
  };
  const powBits = options.powBits ?? 0;

  /** @param {string} url */
  const resolve = (url) => new URL(url, base).href;

  /** @param {number} attempt the try that just failed, from 1 */
  const delayFor = (attempt) => {
    const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
    return Math.round(ceiling / 2 + (random() * ceiling) / 2);
  };

  /**
   * Run `send` until it gives an answer that is not worth retrying.
   * @param {(signal: AbortSignal) => Promise<PutResponse>} send
   * @param {AbortSignal | undefined} signal
   * @param {number} timeoutMs
   * @returns {Promise<PutResponse>}
   */
  async function retrying(send, signal, timeoutMs) {
    for (let attempt = 1; ; attempt++) {
      signal?.throwIfAborted();
      const timed = withTimeout(signal, timeoutMs);
      /** @type {PutResponse | null} */
      let response = null;
      try {
        response = await send(timed.signal);
      } catch (err) {
        signal?.throwIfAborted();
        if (!(err instanceof TypeError || err instanceof TimeoutError || timed.signal.aborted)) {
          throw err;
        }
      } finally {
        timed.done();
      }
      if (response && !(response.status >= 500 || RETRY_STATUS.has(response.status))) {
        return response;
      }
      const reason = response ? "server" : "network";
      if (attempt >= attempts) {
        if (response) {
          throw await errorFromResponse(response);
        }
        throw new ApiError({ status: 0, code: "network_error", messages: NETWORK_ERROR });
      }
      const delayMs = delayFor(attempt);
      options.onRetry?.({ reason, attempt, delayMs });
      await wait(delayMs, signal);
    }
  }

  /**
   * What a POST of `body` to `path` sends, and what its proof of work is bound to.
   * @param {string} path
   * @param {unknown} body
   */
  function posted(path, body) {
    const payload = JSON.stringify(body);
    const url = resolve(`${api}${path}`);
    const request = { method: "POST", path: new URL(url).pathname, body: utf8.encode(payload), bits: powBits };
    return { payload, url, request, key: `${url}\n${payload}` };
  }

  /** @type {Map<string, Promise<string>>} proofs of work started by `proveAhead`, by URL and body */
  const proofsAhead = new Map();

  /**
   * Start finding the proof of work for a POST of exactly `body` to `path` now, before it can
   * be sent (upload.js: the finalization's, while the last segments upload). The next
   * `postJson` of the same path and body takes it instead of starting its own; any other body
   * needs its own proof, as always. An abort or a failure here only means that post finds
   * its proof itself.
   * @param {string} path
   * @param {unknown} body
   * @param {AbortSignal} [signal]
   */
  function proveAhead(path, body, signal) {
    const { key, request } = posted(path, body);
    const proof = measured(`pow:${path.split("/").pop()}`, solvePow(request, { signal }));
    proof.catch(() => {}); // awaited by its post, if one comes; never an unhandled rejection
    proofsAhead.set(key, proof);
  }

  /**
   * POST JSON to the API, retried; the parsed answer of a 2xx, else an ApiError.
   * @param {string} path
   * @param {unknown} body
   * @param {AbortSignal} [signal]
   */
  async function postJson(path, body, signal) {
    const { payload, url, request, key } = posted(path, body);
    const ahead = proofsAhead.get(key);
    proofsAhead.delete(key);
    /** @type {number | undefined} */
    let bucket;
    let response;
    const name = path.split("/").pop();
    for (let redo = 0; ; redo++) {
      const solveNow = () => measured(`pow:${name}`, solvePow(request, { signal, bucket }));
      const proof = await (redo === 0 && ahead ? ahead.catch(solveNow) : solveNow());
      response = await measured(`post:${name}`, retrying(
        (timed) =>
          fetchFn(withPow(url, proof), {
            method: "POST",
            headers: { "Content-Type": "application/json" },
            body: payload,
            signal: timed,
            cache: "no-store",
            credentials: "same-origin",
          }),
        signal,
        requestTimeoutMs,
      ));
      if (response.ok) {
        break;
      }
      const error = await errorFromResponse(response);
      if (redo > 0 || !POW_CODES.has(error.code) || !error.pow) {
        throw error;
      }
      request.bits = error.pow.bits;
      bucket = error.pow.bucket;
    }
    try {
      return JSON.parse(await response.text());
    } catch {
      throw new ApiError({ status: response.status, code: "invalid_response", messages: UNEXPECTED });
    }
  }

  /**
   * Presigned upload URLs for these segments, one each, in the same order.
   * @param {string} submission
   * @param {string} channel
   * @param {SegmentIn[]} segments
   * @param {AbortSignal} [signal]
   * @returns {Promise<Upload[]>}
   */
  async function planUploads(submission, channel, segments, signal) {
    const answer = await postJson(`/submissions/${submission}/uploads`, { channel, segments }, signal);
    const uploads = answer?.uploads;
    const valid =
      Array.isArray(uploads) &&
      uploads.length === segments.length &&
      uploads.every(
        (u, i) =>
          u &&
          u.file === segments[i].file &&
          u.index === segments[i].index &&
          typeof u.url === "string" &&
          typeof u.method === "string" &&
          typeof u.headers === "object" &&
          u.headers !== null,
      );
    if (!valid) {
      throw new ApiError({ status: 200, code: "invalid_response", messages: UNEXPECTED });
    }
    return uploads;
  }

  /**
   * Upload one segment's ciphertext: plan, PUT, retry, re-plan on 403; resolves "uploaded" or
   * "already" (409/412: an earlier try stored it).
   * @param {object} job
   * @param {string} job.submission
   * @param {string} job.channel
   * @param {SegmentIn} job.segment
   * @param {Blob} job.body the ciphertext (size and SHA-256 as in `segment`); a Blob, whose
   *   bytes the browser keeps outside the page's memory and sends without copying them here
   * @param {Promise<Upload>} [job.planned] the first try's upload URL, asked for ahead (upload.js
   *   plans a segment while the previous one uploads); later tries plan again
   * @param {(sent: number) => void} [job.onProgress] bytes of this segment sent so far
   * @param {AbortSignal} [job.signal]
   * @returns {Promise<"uploaded" | "already">}
   */
  async function uploadSegment({ submission, channel, segment, body, planned, onProgress, signal }) {
    const timeoutMs = 60000 + Math.ceil((body.size * 1000) / minBytesPerSecond);
    for (let replans = 0; ; replans++) {
      const upload =
        replans === 0 && planned
          ? await measured("wait-plan", planned)
          : (await planUploads(submission, channel, [segment], signal))[0];
      const response = await measured("put", retrying(
        async (timed) =>
          s3TimeoutAsRetry(
            await put(resolve(upload.url), {
              method: upload.method,
              headers: upload.headers,
              body,
              signal: timed,
              onProgress,
            }),
          ),
        signal,
        timeoutMs,
      ));
      if (response.ok) {
        onProgress?.(body.size);
        return "uploaded";
      }
      if (DONE_STATUS.has(response.status)) {
        onProgress?.(body.size);
        return "already";
      }
      if (response.status !== 403 || replans >= maxReplans) {
        throw await errorFromResponse(response);
      }
      options.onRetry?.({ reason: "replan", attempt: replans + 1, delayMs: 0 });
    }
  }

  /**
   * File the case. Idempotent on the server, so retried like the rest; pass no signal once
   * you want it to complete whatever happens.
   * @param {string} submission
   * @param {object} body FinalizeIn: channel, report (base64), identity, segments, lookup_hash, reply_recipient
   * @param {AbortSignal} [signal]
   * @returns {Promise<Receipt>}
   */
  async function finalize(submission, body, signal) {
    const receipt = await postJson(`/submissions/${submission}/finalize`, body, signal);
    if (!receipt || typeof receipt.case !== "string" || typeof receipt.acknowledged_on !== "string") {
      throw new ApiError({ status: 200, code: "invalid_response", messages: UNEXPECTED });
    }
    return { case: receipt.case, acknowledged_on: receipt.acknowledged_on };
  }

  /**
   * Start the proof of work of `finalize(submission, body)` now (`proveAhead`).
   * @param {string} submission
   * @param {object} body
   * @param {AbortSignal} [signal] stops the search (finalize then searches itself)
   */
  function proveFinalizeAhead(submission, body, signal) {
    proveAhead(`/submissions/${submission}/finalize`, body, signal);
  }

  return { planUploads, uploadSegment, finalize, proveFinalizeAhead, postJson, ...followupCalls(postJson) };
}

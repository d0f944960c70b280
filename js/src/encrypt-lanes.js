// Encrypting an upload's segments beside the upload worker (docs/adr/0057): a nested Web Worker
// running the upload worker's own script (already loaded, so nothing more is fetched) encrypts
// one segment at a time into a buffer of its own, hash it and hand back a Blob (whose bytes
// live in the browser's blob store, not in any worker's heap) and its SHA-256, while the upload
// worker finds the proofs of work, plans and sends. The segments are the same age files as
// before: only where they are encrypted changes. Where nested workers do not exist, fail to load
// or die, the segments are encrypted in this thread instead.
import { sha256Hex } from "./digest.js";
import { EncryptionError, FileChangedError, RecipientPolicyError, encryptBlob, hybridFileSize } from "./encrypt.js";
import { measured, span, spanStart } from "./phases.js";

/**
 * Lanes at most, whatever the number of cores: this thread and one encryption worker. Each
 * encrypting thread adds its segment buffer and its garbage to the renderer: two encrypting
 * workers measured 94–112 MiB of renderer growth for 200 MiB (goal 100), one 66–76 (ADR 0057).
 */
export const MAX_LANES = 2;
const REQUEST = "peluit-encrypt-segment";
const ANSWER = "peluit-encrypted-segment";

/** @typedef {{body: Blob, sha256: string}} Sealed one segment: its age file as a Blob, and its SHA-256 in hex */
/**
 * @typedef {object} Encryptor
 * @property {(recipients: string[], blob: Blob) => Promise<Sealed>} encrypt
 * @property {number} lanes segments worth starting at once (one encrypting, one queued)
 * @property {() => void} close ends its workers (pending segments never resolve)
 */

/**
 * How many lanes (this thread included) for `cores` logical cores (navigator.hardwareConcurrency).
 * @param {unknown} cores
 */
export function lanesFor(cores) {
  const n = typeof cores === "number" && Number.isSafeInteger(cores) && cores > 0 ? cores : 1;
  return Math.min(MAX_LANES, n);
}

/**
 * Encrypting in this thread, one segment at a time into one reused buffer; the hash of a
 * segment (WebCrypto copies the bytes at the call) runs while the next one is encrypted.
 * @returns {Encryptor}
 */
export function localEncryptor() {
  let buffer = new Uint8Array(0);
  /** @type {Promise<unknown>} */
  let queue = Promise.resolve();
  return {
    lanes: 1,
    encrypt(recipients, blob) {
      const made = queue.then(async () => {
        const size = hybridFileSize(recipients.length, blob.size);
        if (buffer.length < size) {
          buffer = new Uint8Array(size);
        }
        const ciphertext = await measured("encrypt", encryptBlob(recipients, blob, buffer));
        const hashed = measured("sha256", sha256Hex(ciphertext));
        hashed.catch(() => {}); // awaited below; never an unhandled rejection
        const start = spanStart();
        // The cast only narrows the type (no SharedArrayBuffer exists here; digest.js).
        const body = new Blob([/** @type {Uint8Array<ArrayBuffer>} */ (ciphertext)]);
        span("blob", start);
        return { body, hashed };
      });
      queue = made.catch(() => {});
      return made.then(async ({ body, hashed }) => ({ body, sha256: await hashed }));
    },
    close() {},
  };
}

/** @type {Encryptor | null} this worker's own, when it serves as an encryption lane */
let served = null;

/**
 * In an encryption lane's worker: answer `message` if it asks for a segment.
 * @param {{postMessage(message: unknown): void}} scope
 * @param {any} message
 * @returns {boolean} whether the message was an encryption request
 */
export function serveEncryption(scope, message) {
  if (message?.type !== REQUEST) {
    return false;
  }
  served ??= localEncryptor();
  const { id } = message;
  served.encrypt(message.recipients, message.blob).then(
    ({ body, sha256 }) => scope.postMessage({ type: ANSWER, id, body, sha256 }),
    (err) => {
      const error =
        err instanceof FileChangedError ? "file_changed" : err instanceof RecipientPolicyError ? "policy" : "encryption";
      scope.postMessage({ type: ANSWER, id, error });
    },
  );
  return true;
}

/**
 * @param {unknown} code an error code from a lane
 * @returns {Error}
 */
function laneError(code) {
  if (code === "file_changed") {
    return new FileChangedError();
  }
  if (code === "policy") {
    return new RecipientPolicyError("the recipients were refused: nothing was encrypted");
  }
  return new EncryptionError("encrypting a file failed");
}

/**
 * @typedef {{recipients: string[], blob: Blob, resolve: (s: Sealed) => void, reject: (e: unknown) => void}} Job
 * @typedef {{worker: Worker, jobs: Map<number, Job>, dead: boolean}} Lane
 */

/**
 * `lanes - 1` workers running the script at `url` (which calls `serveEncryption`); a segment goes
 * to the worker with the fewest waiting. This thread encrypts only when no worker is left: a
 * worker that fails hands its segments to this thread.
 * @param {URL} url
 * @param {number} lanes
 * @param {(url: URL) => Worker} [create]
 * @returns {Encryptor}
 */
export function workerEncryptor(url, lanes, create = (u) => new Worker(u)) {
  const local = localEncryptor();
  /** @type {Lane[]} */
  const pool = [];
  let nextId = 0;
  /** @param {string[]} recipients @param {Blob} blob */
  const encryptHere = (recipients, blob) => local.encrypt(recipients, blob);
  /** @param {Lane} lane */
  const fail = (lane) => {
    if (lane.dead) {
      return;
    }
    lane.dead = true;
    lane.worker.terminate();
    for (const job of lane.jobs.values()) {
      encryptHere(job.recipients, job.blob).then(job.resolve, job.reject);
    }
    lane.jobs.clear();
  };
  for (let i = 1; i < lanes; i++) {
    let worker;
    try {
      worker = create(url);
    } catch {
      break;
    }
    /** @type {Lane} */
    const lane = { worker, jobs: new Map(), dead: false };
    worker.onmessage = (event) => {
      const answer = event.data;
      const job = answer?.type === ANSWER ? lane.jobs.get(answer.id) : undefined;
      if (!job) {
        return;
      }
      lane.jobs.delete(answer.id);
      const expected = hybridFileSize(job.recipients.length, job.blob.size);
      if (answer.error !== undefined) {
        job.reject(laneError(answer.error));
      } else if (answer.body instanceof Blob && answer.body.size === expected && /^[0-9a-f]{64}$/.test(answer.sha256)) {
        job.resolve({ body: answer.body, sha256: answer.sha256 });
      } else {
        job.reject(new EncryptionError("an encryption worker answered with something else than the segment"));
      }
    };
    worker.onerror = (event) => {
      event.preventDefault();
      fail(lane);
    };
    worker.onmessageerror = () => fail(lane);
    pool.push(lane);
  }
  return {
    lanes: 1 + pool.length,
    encrypt(recipients, blob) {
      /** @type {Lane | null} the worker with the fewest segments waiting */
      let lane = null;
      for (const l of pool) {
        if (!l.dead && (lane === null || l.jobs.size < lane.jobs.size)) {
          lane = l;
        }
      }
      if (lane === null) {
        return encryptHere(recipients, blob);
      }
      const id = nextId++;
      return new Promise((resolve, reject) => {
        lane.jobs.set(id, { recipients, blob, resolve, reject });
        lane.worker.postMessage({ type: REQUEST, id, recipients, blob });
      });
    },
    close() {
      for (const lane of pool) {
        lane.dead = true;
        lane.worker.terminate();
        lane.jobs.clear();
      }
    },
  };
}

/**
 * The encryptor for an upload: lanes running this worker's own script when this is a worker
 * that can start workers, otherwise this thread.
 * @returns {Encryptor}
 */
export function defaultEncryptor() {
  const scope = /** @type {any} */ (globalThis);
  const inWorker = typeof scope.WorkerGlobalScope === "function" && scope instanceof scope.WorkerGlobalScope;
  const lanes = lanesFor(scope.navigator?.hardwareConcurrency);
  if (!inWorker || lanes === 1 || typeof scope.Worker !== "function" || typeof scope.location?.href !== "string") {
    return localEncryptor();
  }
  return workerEncryptor(new URL(scope.location.href), lanes);
}

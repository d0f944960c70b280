// Encrypting and uploading attachments segment by segment, the same way for a report and for
// evidence added later: each `segment_bytes` slice of a file is its own age file, encrypted
// while earlier ones upload; several are planned with one request and sent side by side.
//
// Memory (docs/site-and-form.md): the plaintext is streamed from the file, the ciphertext is
// written into one buffer reused for every segment (in a nested encryption worker where there
// is one: encrypt-lanes.js, ADR 0057), and what is uploaded is a Blob made from it. A Blob's bytes live in the
// browser's blob store, not in this worker's heap, and XHR sends a Blob fast; a Uint8Array body is copied into the renderer once per request and kept until
// a late garbage collection (measured: 340 MiB of renderer growth for a 200 MiB file, and 4x
// slower uploads).
import { FileChangedError } from "./encrypt.js";
import { defaultEncryptor, localEncryptor } from "./encrypt-lanes.js";
import { measured, span, spanStart } from "./phases.js";
import { SubmitError } from "./submit-error.js";

/** @typedef {import("./api.js").SegmentIn} SegmentIn */
/** @typedef {import("./segments.js").SegmentSlice} SegmentSlice */
/** @typedef {{size: number, sha256: string}} SegmentEntry */
/** @typedef {{entries: SegmentEntry[][], segments: SegmentIn[]}} Listed */
/**
 * What the caller is told as it goes.
 * @typedef {{type: "segment", file: number, segment: number, segments: number}
 *   | {type: "progress", file: number, sent: number, total: number, overallSent: number, overallTotal: number}
 * } UploadEvent
 */

/** Segments one upload plan covers at most: one proof of work for all of them (docs/adr/0050, 0062). */
export const PLAN_SEGMENTS = 12;
/** Segment PUTs under way at once. */
export const PUTS_IN_FLIGHT = 3;
/**
 * Segments of the last plan of an upload of more than `PLAN_SEGMENTS`: its PUTs can start only
 * once every segment is encrypted and its proof of work found, so it is kept to one round of PUTs.
 */
export const LAST_PLAN_SEGMENTS = PUTS_IN_FLIGHT;
/**
 * Encrypted segments (Blobs) waiting for their PUT, at most: a whole plan, and the next
 * segments encrypted while its proof of work is found.
 */
export const AHEAD_SEGMENTS = 16;

/**
 * How many segments each plan covers, in order, for `count` segments: one plan for up to
 * `most`; beyond that a last plan of `last` (its PUTs start only once every segment is
 * encrypted: one round of them) after as few plans of at most `most` as the rest needs, their
 * sizes as even as can be (larger first).
 * @param {number} count
 * @param {number} most
 * @param {number} last
 * @returns {number[]}
 */
export function planSizes(count, most, last) {
  if (count <= most) {
    return count > 0 ? [count] : [];
  }
  const rest = count - last;
  const plans = Math.ceil(rest / most);
  const sizes = Array.from({ length: plans }, (_, i) => Math.floor(rest / plans) + (i < rest % plans ? 1 : 0));
  return [...sizes, last];
}

/**
 * @param {number[]} list
 */
const sum = (list) => list.reduce((a, b) => a + b, 0);

/**
 * Encrypt and upload every slice of every file, in order.
 * @param {object} job
 * @param {Pick<ReturnType<typeof import("./api.js").createClient>, "uploadSegment" | "planUploads">} job.client
 * @param {string} job.submission the id the segments are staged under (32 hex digits)
 * @param {string} job.channel
 * @param {ReadonlyArray<Blob & {name: string}>} job.files
 * @param {SegmentSlice[][]} job.plans each file's slices (segments.js `planFiles`)
 * @param {number[][]} job.sizes each slice's ciphertext size
 * @param {string[]} job.recipients checked hybrid recipients
 * @param {AbortSignal} [job.signal]
 * @param {(event: UploadEvent) => void} [job.onEvent]
 * @param {import("./encrypt-lanes.js").Encryptor} [job.encryptor] where segments are encrypted
 *   (default: an encryption worker beside this one, encrypt-lanes.js); the caller closes its own
 * @param {(listed: Listed) => void} [job.onHashed] told, once, what the result will be as soon
 *   as every segment is encrypted, hashed and planned, while the last PUTs may still run (the
 *   caller prepares its finalization meanwhile; nothing is uploaded or filed any sooner)
 * @returns {Promise<Listed>} per file, each segment's ciphertext size and SHA-256 (for the
 *   manifest); every segment as uploaded
 */
export async function uploadFiles(job) {
  // Requests run ahead (the next segment's plan): when this ends, by failure or cancel, they stop.
  const { signal } = job;
  const stop = new AbortController();
  const forward = () => stop.abort(signal?.reason);
  signal?.addEventListener("abort", forward, { once: true });
  // one segment gains nothing from lanes: no worker is started for it (nor for a text-only report)
  const encryptor = job.encryptor ?? (job.plans.flat().length > 1 ? defaultEncryptor() : localEncryptor());
  try {
    return await uploadAll(job, encryptor, stop.signal);
  } finally {
    signal?.removeEventListener("abort", forward);
    stop.abort(new DOMException("the upload ended", "AbortError"));
    if (!job.encryptor) {
      encryptor.close();
    }
  }
}

/**
 * `uploadFiles`' work; `ahead` aborts with `job.signal` and once the upload has ended.
 *
 * Up to `encryptor.lanes` slices are started at once (encrypt-lanes.js: one encrypting, one
 * queued; each segment then a Blob outside every worker's heap) and taken in order. They are
 * planned in groups (`planSizes`: up to `PLAN_SEGMENTS`, a short last one) with one request
 * each, so one proof of work covers a group (docs/adr/0050, 0062); their PUTs
 * then run `PUTS_IN_FLIGHT` at a time while the next slices are encrypted and planned. At most
 * `AHEAD_SEGMENTS` Blobs, those being encrypted included, wait for their PUT: encryption
 * waits for uploads, not the other way.
 * @param {Parameters<typeof uploadFiles>[0]} job
 * @param {import("./encrypt-lanes.js").Encryptor} encryptor
 * @param {AbortSignal} ahead
 */
async function uploadAll(
  { client, submission, channel, files, plans, sizes, recipients, signal, onEvent, onHashed },
  encryptor,
  ahead,
) {
  const emit = onEvent ?? (() => {});
  const overallTotal = sum(sizes.flat());
  const slices = plans.flat();
  /** @type {(SegmentIn | undefined)[]} each slice's segment, once uploaded */
  const uploaded = slices.map(() => undefined);
  /** @type {(SegmentIn | undefined)[]} each slice's segment, once planned */
  const listed = slices.map(() => undefined);
  /** bytes sent of each slice */
  const sent = slices.map(() => 0);
  /** @param {number} k */
  const onProgress = (k) => {
    const file = slices[k].file;
    const fileSent = sum(slices.map((s, j) => (s.file === file ? sent[j] : 0)));
    emit({ type: "progress", file, sent: fileSent, total: sum(sizes[file]), overallSent: sum(sent), overallTotal });
  };

  /** @param {number} k */
  const encryptSlice = async (k) => {
    const slice = slices[k];
    const file = files[slice.file];
    try {
      const { body, sha256 } = await encryptor.encrypt(recipients, file.slice(slice.start, slice.end));
      return { k, slice, body, sha256 };
    } catch (err) {
      if (err instanceof FileChangedError) {
        throw new SubmitError("file_unreadable", { name: file.name });
      }
      throw err;
    }
  };
  /** @param {Awaited<ReturnType<typeof encryptSlice>>} encrypted */
  const hashedSegment = async ({ k, slice, body, sha256 }) => ({
    k,
    slice,
    body,
    segment: { file: slice.file, index: slice.index, size: body.size, sha256 },
  });
  /** @typedef {Awaited<ReturnType<typeof hashedSegment>>} Made */
  /** @typedef {Made & {planned: Promise<import("./api.js").Upload>}} Planned */

  /** @type {Planned[]} planned, waiting for a PUT */
  const waiting = [];
  /** @type {Set<Promise<void>>} */
  const running = new Set();
  let pending = 0; // encrypted, not yet uploaded

  /** @param {Planned} item */
  const put = async ({ k, slice, segment, body, planned }) => {
    emit({ type: "segment", file: slice.file, segment: slice.index + 1, segments: plans[slice.file].length });
    onProgress(k);
    await client.uploadSegment({
      submission,
      channel,
      segment,
      body,
      planned,
      onProgress: (bytes) => {
        sent[k] = bytes;
        onProgress(k);
      },
      signal: ahead,
    });
    sent[k] = body.size;
    uploaded[k] = segment;
    pending -= 1;
  };
  /** @type {{error: unknown} | null} the first PUT that failed (the upload ends with it) */
  let failed = null;
  const throwIfFailed = () => {
    if (failed !== null) {
      throw failed.error;
    }
  };
  const startPuts = () => {
    while (failed === null && running.size < PUTS_IN_FLIGHT && waiting.length > 0) {
      const item = /** @type {Planned} */ (waiting.shift());
      const task = put(item)
        .catch((error) => {
          failed ??= { error };
        })
        .finally(() => running.delete(task));
      running.add(task);
    }
  };
  /** @param {Awaited<ReturnType<typeof encryptSlice>>[]} encrypted one plan, one proof of work, for all of them */
  const plan = async (encrypted) => {
    const batch = await Promise.all(encrypted.map(hashedSegment));
    const uploads = client.planUploads(submission, channel, batch.map((m) => m.segment), ahead);
    uploads.catch(() => {}); // awaited by uploadSegment; never an unhandled rejection
    for (const [i, made] of batch.entries()) {
      const planned = uploads.then((list) => list[i]);
      planned.catch(() => {}); // awaited by its PUT, if it starts; never an unhandled rejection
      waiting.push({ ...made, planned });
      listed[made.k] = made.segment;
    }
    if (onHashed && listed.every((segment) => segment !== undefined)) {
      const all = listing(listed);
      // after the last plan's own proof of work, which the last PUTs wait for
      uploads.then(() => ahead.aborted || onHashed(all), () => {});
    }
    startPuts();
  };

  /** @type {Map<number, ReturnType<typeof encryptSlice>>} slices being encrypted, by number */
  const encrypting = new Map();
  let nextSlice = 0;
  /**
   * Start slices k, k+1, … up to one per lane, while the Blobs stay within AHEAD_SEGMENTS
   * (slice k itself when `now`: the caller waited for room, or no PUT runs that could make it).
   * @param {number} k
   * @param {boolean} now
   */
  const encryptAhead = (k, now) => {
    const forced = now ? k : -1;
    while (
      nextSlice < slices.length &&
      nextSlice < k + encryptor.lanes &&
      (nextSlice === forced || pending + encrypting.size < AHEAD_SEGMENTS)
    ) {
      const made = encryptSlice(nextSlice);
      made.catch(() => {}); // awaited in order below, unless the upload ends first
      encrypting.set(nextSlice, made);
      nextSlice += 1;
    }
  };
  // `pending` falls as PUTs end: wait for one while too many Blobs wait for theirs
  /** @param {number} k */
  const mustWait = (k) => !encrypting.has(k) && pending + encrypting.size >= AHEAD_SEGMENTS && running.size > 0;
  /** @type {Awaited<ReturnType<typeof encryptSlice>>[]} */
  let batch = [];
  const sizesOfPlans = planSizes(slices.length, PLAN_SEGMENTS, LAST_PLAN_SEGMENTS);
  for (let k = 0; k < slices.length; k++) {
    const room = spanStart();
    while (mustWait(k)) {
      await Promise.race(running);
      throwIfFailed();
      startPuts();
    }
    span("wait-room", room);
    throwIfFailed();
    signal?.throwIfAborted();
    encryptAhead(k, true);
    const made = /** @type {ReturnType<typeof encryptSlice>} */ (encrypting.get(k));
    batch.push(await measured("wait-encrypted", made));
    encrypting.delete(k);
    pending += 1;
    encryptAhead(k + 1, false);
    if (batch.length === sizesOfPlans[0]) {
      sizesOfPlans.shift();
      await plan(batch);
      batch = [];
    }
  }
  const last = spanStart();
  while (running.size > 0) {
    await Promise.race(running);
    throwIfFailed();
    startPuts();
  }
  span("wait-puts", last);
  throwIfFailed();
  signal?.throwIfAborted();
  return listing(uploaded);

  /**
   * @param {(SegmentIn | undefined)[]} known every slice's segment
   * @returns {Listed}
   */
  function listing(known) {
    /** @type {SegmentEntry[][]} */
    const entries = plans.map(() => []);
    const segments = known.map((segment) => /** @type {SegmentIn} */ (segment));
    for (const segment of segments) {
      entries[segment.file].push({ size: segment.size, sha256: segment.sha256 });
    }
    return { entries, segments };
  }
}

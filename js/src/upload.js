// Encrypting and uploading attachments segment by segment, the same way for a report and for
// evidence added later: each `segment_bytes` slice of a file is its own age file, encrypted
// while the previous one uploads.
//
// Memory (docs/site-and-form.md): the plaintext is streamed from the file, the ciphertext is
// written into one buffer reused for every segment, and what is uploaded is a Blob made from
// it. A Blob's bytes live in the browser's blob store, not in this worker's heap, and XHR sends
// a Blob fast; a Uint8Array body is copied into the renderer once per request and kept until
// a late garbage collection (measured: 340 MiB of renderer growth for a 200 MiB file, and 4x
// slower uploads).
import { sha256Hex } from "./digest.js";
import { FileChangedError, encryptBlob, hybridFileSize } from "./encrypt.js";
import { SubmitError } from "./submit-error.js";

/** @typedef {import("./api.js").SegmentIn} SegmentIn */
/** @typedef {import("./segments.js").SegmentSlice} SegmentSlice */
/** @typedef {{size: number, sha256: string}} SegmentEntry */
/**
 * What the caller is told as it goes.
 * @typedef {{type: "segment", file: number, segment: number, segments: number}
 *   | {type: "progress", file: number, sent: number, total: number, overallSent: number, overallTotal: number}
 * } UploadEvent
 */

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
 * @returns {Promise<{entries: SegmentEntry[][], segments: SegmentIn[]}>} per file, each
 *   segment's ciphertext size and SHA-256 (for the manifest); every segment as uploaded
 */
export async function uploadFiles(job) {
  // Requests run ahead (the next segment's plan): when this ends, by failure or cancel, they stop.
  const { signal } = job;
  const stop = new AbortController();
  const forward = () => stop.abort(signal?.reason);
  signal?.addEventListener("abort", forward, { once: true });
  try {
    return await uploadAll(job, stop.signal);
  } finally {
    signal?.removeEventListener("abort", forward);
    stop.abort(new DOMException("the upload ended", "AbortError"));
  }
}

/**
 * `uploadFiles`' work; `ahead` aborts with `job.signal` and once the upload has ended.
 * @param {Parameters<typeof uploadFiles>[0]} job
 * @param {AbortSignal} ahead
 */
async function uploadAll({ client, submission, channel, files, plans, sizes, recipients, signal, onEvent }, ahead) {
  const emit = onEvent ?? (() => {});
  const overallTotal = sum(sizes.flat());
  let overallDone = 0;
  /** @type {SegmentEntry[][]} */
  const entries = plans.map(() => []);
  /** @type {SegmentIn[]} */
  const segments = [];
  const slices = plans.flat();
  const longest = Math.max(0, ...slices.map((s) => s.end - s.start));
  // one ciphertext buffer: slice k+1 is encrypted only after slice k became a Blob
  const buffer = new Uint8Array(slices.length > 0 ? hybridFileSize(recipients.length, longest) : 0);
  /** @param {number} k */
  const encryptSlice = async (k) => {
    const slice = slices[k];
    const file = files[slice.file];
    let ciphertext;
    try {
      ciphertext = await encryptBlob(recipients, file.slice(slice.start, slice.end), buffer);
    } catch (err) {
      if (err instanceof FileChangedError) {
        throw new SubmitError("file_unreadable", { name: file.name });
      }
      throw err;
    }
    const sha256 = await sha256Hex(ciphertext); // WebCrypto takes its own copy at the call
    // The cast only narrows the type (no SharedArrayBuffer exists here; digest.js).
    const body = new Blob([/** @type {Uint8Array<ArrayBuffer>} */ (ciphertext)]);
    const segment = { file: slice.file, index: slice.index, size: body.size, sha256 };
    // Ask for this segment's upload URL at once: its proof of work and request then run while
    // the previous segment is still uploading, not after it.
    const planned = client.planUploads(submission, channel, [segment], ahead).then(([upload]) => upload);
    planned.catch(() => {}); // awaited by uploadSegment; never an unhandled rejection
    return { slice, segment, body, planned };
  };
  /** @type {Promise<Awaited<ReturnType<typeof encryptSlice>>> | null} */
  let next = slices.length > 0 ? encryptSlice(0) : null;
  for (let k = 0; next !== null; k++) {
    const current = await next;
    signal?.throwIfAborted();
    next = k + 1 < slices.length ? encryptSlice(k + 1) : null;
    next?.catch(() => {}); // awaited on the next turn; never an unhandled rejection
    const { slice, segment, body, planned } = current;
    const fileTotal = sum(sizes[slice.file]);
    const fileBefore = sum(sizes[slice.file].slice(0, slice.index));
    emit({ type: "segment", file: slice.file, segment: slice.index + 1, segments: plans[slice.file].length });
    /** @param {number} sent */
    const onProgress = (sent) =>
      emit({
        type: "progress",
        file: slice.file,
        sent: fileBefore + sent,
        total: fileTotal,
        overallSent: overallDone + sent,
        overallTotal,
      });
    onProgress(0);
    await client.uploadSegment({ submission, channel, segment, body, planned, onProgress, signal: ahead });
    overallDone += body.size;
    entries[slice.file].push({ size: body.size, sha256: segment.sha256 });
    segments.push(segment);
  }
  return { entries, segments };
}

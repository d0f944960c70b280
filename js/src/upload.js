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
 * @param {{uploadSegment: ReturnType<typeof import("./api.js").createClient>["uploadSegment"]}} job.client
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
export async function uploadFiles({ client, submission, channel, files, plans, sizes, recipients, signal, onEvent }) {
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
    return { slice, body: new Blob([ciphertext]), sha256 };
  };
  /** @type {Promise<Awaited<ReturnType<typeof encryptSlice>>> | null} */
  let next = slices.length > 0 ? encryptSlice(0) : null;
  for (let k = 0; next !== null; k++) {
    const current = await next;
    signal?.throwIfAborted();
    next = k + 1 < slices.length ? encryptSlice(k + 1) : null;
    next?.catch(() => {}); // awaited on the next turn; never an unhandled rejection
    const { slice, body, sha256 } = current;
    const segment = { file: slice.file, index: slice.index, size: body.size, sha256 };
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
    await client.uploadSegment({ submission, channel, segment, body, onProgress, signal });
    overallDone += body.size;
    entries[slice.file].push({ size: body.size, sha256 });
    segments.push(segment);
  }
  return { entries, segments };
}

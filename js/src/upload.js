// Encrypting and uploading attachments segment by segment, the same way for a report and for
// evidence added later: each `segment_bytes` slice of a file is its own age file, encrypted
// while the previous one uploads, so at most two segments are ever in memory.
import { sha256Hex } from "./digest.js";
import { encryptTo } from "./encrypt.js";
import { readSlice } from "./segments.js";
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
  /** @param {number} k */
  const encryptSlice = async (k) => {
    const slice = slices[k];
    let plaintext;
    try {
      plaintext = await readSlice(files[slice.file], slice);
    } catch {
      throw new SubmitError("file_unreadable", { name: files[slice.file].name });
    }
    const body = await encryptTo(recipients, plaintext);
    return { slice, body, sha256: await sha256Hex(body) };
  };
  /** @type {Promise<Awaited<ReturnType<typeof encryptSlice>>> | null} */
  let next = slices.length > 0 ? encryptSlice(0) : null;
  for (let k = 0; next !== null; k++) {
    const current = await next;
    signal?.throwIfAborted();
    next = k + 1 < slices.length ? encryptSlice(k + 1) : null;
    next?.catch(() => {}); // awaited on the next turn; never an unhandled rejection
    const { slice, body, sha256 } = current;
    const segment = { file: slice.file, index: slice.index, size: body.length, sha256 };
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
    overallDone += body.length;
    entries[slice.file].push({ size: body.length, sha256 });
    segments.push(segment);
  }
  return { entries, segments };
}

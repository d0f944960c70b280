// Splitting attachments into segments: each `segment_bytes` slice of a file becomes its own
// age file, uploaded and retried on its own (docs/format.md, "Storage layout").

/**
 * One slice of one file: plaintext bytes [start, end) of file number `file`.
 * @typedef {{file: number, index: number, start: number, end: number}} SegmentSlice
 */

/**
 * The slices of a file of `size` bytes, in order. An empty file still has one (empty)
 * segment, so that every file of a report has at least one and files stay numbered without
 * gaps, as the server requires.
 * @param {number} file the file's number in the report, from 0
 * @param {number} size plaintext size in bytes
 * @param {number} segmentBytes plaintext bytes per segment (`limits.segment_bytes`)
 * @returns {SegmentSlice[]}
 */
export function planSegments(file, size, segmentBytes) {
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new RangeError("a file size is a non-negative integer");
  }
  if (!Number.isSafeInteger(segmentBytes) || segmentBytes <= 0) {
    throw new RangeError("segment_bytes is a positive integer");
  }
  const count = Math.max(1, Math.ceil(size / segmentBytes));
  return Array.from({ length: count }, (_, index) => ({
    file,
    index,
    start: index * segmentBytes,
    end: Math.min(size, (index + 1) * segmentBytes),
  }));
}

/**
 * The slices of every file, file by file.
 * @param {ReadonlyArray<{size: number}>} files Files, Blobs or anything with a size
 * @param {number} segmentBytes
 * @returns {SegmentSlice[][]} one list per file
 */
export function planFiles(files, segmentBytes) {
  return files.map((f, i) => planSegments(i, f.size, segmentBytes));
}

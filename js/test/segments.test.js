import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { planFiles, planSegments } from "../src/segments.js";

const MiB = 1024 * 1024;

describe("segment planning", () => {
  it("cuts a file into segment_bytes slices, the last one shorter", () => {
    assert.deepEqual(planSegments(2, 20 * MiB, 8 * MiB), [
      { file: 2, index: 0, start: 0, end: 8 * MiB },
      { file: 2, index: 1, start: 8 * MiB, end: 16 * MiB },
      { file: 2, index: 2, start: 16 * MiB, end: 20 * MiB },
    ]);
  });

  it("gives an exact multiple no empty trailing segment", () => {
    const slices = planSegments(0, 16 * MiB, 8 * MiB);
    assert.equal(slices.length, 2);
    assert.equal(slices[1].end, 16 * MiB);
  });

  it("gives a small file one segment and an empty file one empty segment", () => {
    assert.deepEqual(planSegments(0, 1, 8 * MiB), [{ file: 0, index: 0, start: 0, end: 1 }]);
    assert.deepEqual(planSegments(0, 0, 8 * MiB), [{ file: 0, index: 0, start: 0, end: 0 }]);
  });

  it("covers every byte exactly once, in order", () => {
    for (const size of [1, 65535, 65536, 65537, 3 * 65536 + 7]) {
      const slices = planSegments(0, size, 65536);
      let at = 0;
      for (const [i, s] of slices.entries()) {
        assert.equal(s.index, i);
        assert.equal(s.start, at);
        assert.ok(s.end > s.start && s.end - s.start <= 65536);
        at = s.end;
      }
      assert.equal(at, size);
    }
  });

  it("numbers files from 0 in the order given", () => {
    const plans = planFiles([{ size: 10 }, { size: 3 * 65536 }], 65536);
    assert.deepEqual(plans.map((p) => p.map((s) => [s.file, s.index])), [[[0, 0]], [[1, 0], [1, 1], [1, 2]]]);
  });

  it("refuses nonsense sizes", () => {
    assert.throws(() => planSegments(0, -1, 65536), RangeError);
    assert.throws(() => planSegments(0, 1.5, 65536), RangeError);
    assert.throws(() => planSegments(0, 10, 0), RangeError);
  });

});

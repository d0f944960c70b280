import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import { bucket, pad } from "../src/padding.js";
import { recipientSetFingerprint } from "../src/recipient-set.js";

const KiB = 1024;

describe("padding to size buckets", () => {
  it("uses powers of two from 1 KiB to 64 KiB, then multiples of 64 KiB", () => {
    const cases = [
      [0, KiB], [1, KiB], [KiB, KiB], [KiB + 1, 2 * KiB], [3000, 4 * KiB], [16 * KiB, 16 * KiB],
      [16 * KiB + 1, 32 * KiB], [64 * KiB, 64 * KiB], [64 * KiB + 1, 128 * KiB], [129 * KiB, 192 * KiB],
    ];
    for (const [size, want] of cases) {
      assert.equal(bucket(size), want, `bucket(${size})`);
    }
  });

  it("pads a document with spaces to its bucket, so a short and a long name give one size", () => {
    const short = pad(new TextEncoder().encode(JSON.stringify({ fields: { name: "Ani", phone: "0812" } })));
    const long = pad(new TextEncoder().encode(JSON.stringify({ fields: { name: "Ani Wulandari Kusuma", phone: "+62 812 3456 7890" } })));
    assert.equal(short.length, KiB);
    assert.equal(long.length, KiB);
    const text = new TextDecoder().decode(short);
    assert.deepEqual(JSON.parse(text), { fields: { name: "Ani", phone: "0812" } });
    assert.match(text, /^\{.*\} +$/);
  });

  it("refuses to pad anything but a JSON object", () => {
    assert.throws(() => pad(new TextEncoder().encode("plain text")), TypeError);
  });
});

describe("the recipient set's fingerprint", () => {
  it("is the SHA-256 of the sorted report and identity lines (as peluit/core/recipient_set.py)", async () => {
    const text = "peluit-recipients/1\nreport age1pq1a\nreport age1pq1b\nidentity age1pq1c\n";
    const want = createHash("sha256").update(text).digest("hex");
    assert.equal(await recipientSetFingerprint(["age1pq1b", "age1pq1a"], ["age1pq1c"]), want);
    assert.equal(want, "0f5410c9799b41004532ccfbe96e59c44ea7d9d7daddb8af324f57cf3ae0afb0");
  });

  it("changes when a key moves between report and identity, or is replaced", async () => {
    const base = await recipientSetFingerprint(["age1pq1a", "age1pq1b"], ["age1pq1c"]);
    assert.notEqual(await recipientSetFingerprint(["age1pq1a"], ["age1pq1b", "age1pq1c"]), base);
    assert.notEqual(await recipientSetFingerprint(["age1pq1a", "age1pq1x"], ["age1pq1c"]), base);
  });
});

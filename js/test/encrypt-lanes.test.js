import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Decrypter, generateHybridIdentity, identityToRecipient } from "age-encryption";
import { sha256Hex } from "../src/digest.js";
import { EncryptionError, FileChangedError, hybridFileSize } from "../src/encrypt.js";
import { MAX_LANES, lanesFor, localEncryptor, serveEncryption, workerEncryptor } from "../src/encrypt-lanes.js";
import { AHEAD_SEGMENTS, uploadFiles } from "../src/upload.js";

const person = async () => {
  const identity = await generateHybridIdentity();
  return { identity, recipient: await identityToRecipient(identity) };
};

/** @param {number} n @param {number} seed */
const bytes = (n, seed) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 255);

/**
 * A Worker that runs `serveEncryption` in this process, as worker.js does in a real one.
 * `behave` may replace its answer: "load-error" (the script never ran), "wrong-size", "file-changed".
 */
class LaneWorker {
  /** @param {string} [behave] */
  constructor(behave) {
    this.behave = behave;
    this.received = 0;
    this.terminated = false;
    /** @type {((event: {data: any}) => void) | null} */
    this.onmessage = null;
    /** @type {((event: {preventDefault(): void}) => void) | null} */
    this.onerror = null;
    this.onmessageerror = null;
  }

  /** @param {any} message */
  postMessage(message) {
    this.received += 1;
    setTimeout(() => {
      if (this.terminated) {
        return;
      }
      if (this.behave === "load-error") {
        this.onerror?.({ preventDefault() {} });
        return;
      }
      if (this.behave === "wrong-size") {
        this.onmessage?.({ data: { type: "peluit-encrypted-segment", id: message.id, body: new Blob(["x"]), sha256: "0".repeat(64) } });
        return;
      }
      if (this.behave === "file-changed") {
        this.onmessage?.({ data: { type: "peluit-encrypted-segment", id: message.id, error: "file_changed" } });
        return;
      }
      serveEncryption({ postMessage: (data) => this.onmessage?.({ data }) }, message);
    }, 1);
  }

  terminate() {
    this.terminated = true;
  }
}

/** @param {Blob} body @param {import("age-encryption").Decrypter} d */
const open = async (body, d) => d.decrypt(new Uint8Array(await body.arrayBuffer()));

describe("encryption lanes", () => {
  it("uses one encryption worker beside this thread when there are two cores or more", () => {
    assert.equal(lanesFor(1), 1);
    assert.equal(lanesFor(2), 2);
    assert.equal(lanesFor(64), MAX_LANES);
    assert.equal(MAX_LANES, 2);
    assert.equal(lanesFor(undefined), 1);
    assert.equal(lanesFor(0), 1);
  });

  it("encrypts segments in the worker, each readable with its true hash", async () => {
    const p = await person();
    const d = new Decrypter();
    d.addIdentity(p.identity);
    /** @type {LaneWorker[]} */
    const made = [];
    const lanes = workerEncryptor(new URL("http://x/worker.js"), 2, () => {
      const w = new LaneWorker();
      made.push(w);
      return /** @type {any} */ (w);
    });
    assert.equal(lanes.lanes, 2);
    const plain = [0, 1, 2, 3, 4].map((i) => bytes(70000 + i, i));
    const sealed = await Promise.all(plain.map((b) => lanes.encrypt([p.recipient], new Blob([b]))));
    for (const [i, s] of sealed.entries()) {
      assert.equal(s.body.size, hybridFileSize(1, plain[i].length));
      assert.equal(s.sha256, await sha256Hex(new Uint8Array(await s.body.arrayBuffer())));
      assert.deepEqual(await open(s.body, d), plain[i]);
    }
    assert.equal(made.length, 1);
    assert.equal(made[0].received, 5);
    lanes.close();
    assert.ok(made[0].terminated);
  });

  it("hands the segments of a worker that failed to this thread", async () => {
    const p = await person();
    const d = new Decrypter();
    d.addIdentity(p.identity);
    const worker = new LaneWorker("load-error");
    const lanes = workerEncryptor(new URL("http://x/worker.js"), 2, () => /** @type {any} */ (worker));
    const plain = [bytes(1000, 1), bytes(2000, 2), bytes(3000, 3)];
    const sealed = await Promise.all(plain.map((b) => lanes.encrypt([p.recipient], new Blob([b]))));
    for (const [i, s] of sealed.entries()) {
      assert.deepEqual(await open(s.body, d), plain[i]);
    }
    assert.ok(worker.received >= 1 && worker.terminated);
  });

  it("refuses a worker's answer that is not the segment, and says when the file changed", async () => {
    const p = await person();
    const wrong = workerEncryptor(new URL("http://x/worker.js"), 2, () => /** @type {any} */ (new LaneWorker("wrong-size")));
    const changed = workerEncryptor(new URL("http://x/worker.js"), 2, () => /** @type {any} */ (new LaneWorker("file-changed")));
    const blob = new Blob([bytes(100, 0)]);
    const [, bad] = await Promise.allSettled([wrong.encrypt([p.recipient], blob), wrong.encrypt([p.recipient], blob)]);
    assert.equal(bad.status, "rejected");
    assert.ok(bad.status === "rejected" && bad.reason instanceof EncryptionError);
    const [, gone] = await Promise.allSettled([changed.encrypt([p.recipient], blob), changed.encrypt([p.recipient], blob)]);
    assert.ok(gone.status === "rejected" && gone.reason instanceof FileChangedError);
  });
});

describe("an upload with several lanes", () => {
  it("keeps the segments in order and at most AHEAD_SEGMENTS of them encrypted or encrypting", async () => {
    const count = 14;
    let live = 0; // encrypting, or encrypted and not yet uploaded
    let most = 0;
    let calls = 0;
    /** @type {import("../src/encrypt-lanes.js").Encryptor} */
    const encryptor = {
      lanes: 3,
      async encrypt(_recipients, blob) {
        live += 1;
        most = Math.max(most, live);
        const n = calls++;
        // later segments finish first: order must come from the upload, not from the lanes
        await new Promise((r) => setTimeout(r, 12 - (n % 3) * 5));
        const text = new Uint8Array(await blob.arrayBuffer());
        return { body: new Blob([text]), sha256: await sha256Hex(text) };
      },
      close() {},
    };
    /** @type {number[]} */
    const planned = [];
    const client = {
      /** @param {string} _s @param {string} _c @param {import("../src/api.js").SegmentIn[]} segments */
      async planUploads(_s, _c, segments) {
        planned.push(...segments.map((s) => s.index));
        return segments.map((s) => ({ file: s.file, index: s.index, url: "u", method: "PUT", headers: {} }));
      },
      async uploadSegment() {
        await new Promise((r) => setTimeout(r, 15)); // uploads slower than encryption
        live -= 1;
        return /** @type {"uploaded"} */ ("uploaded");
      },
    };
    const file = Object.assign(new Blob([bytes(count * 10, 7)]), { name: "a.bin" });
    const slices = Array.from({ length: count }, (_, index) => ({ file: 0, index, start: index * 10, end: index * 10 + 10 }));
    const { segments } = await uploadFiles({
      client: /** @type {any} */ (client),
      submission: "0".repeat(32),
      channel: "c",
      files: [file],
      plans: [slices],
      sizes: [slices.map(() => 10)],
      recipients: ["age1pq1x"],
      encryptor,
    });
    assert.deepEqual(planned, [...Array(count).keys()]);
    assert.deepEqual(segments.map((s) => s.index), [...Array(count).keys()]);
    for (const [i, s] of segments.entries()) {
      assert.equal(s.sha256, await sha256Hex(bytes(count * 10, 7).subarray(i * 10, i * 10 + 10)));
    }
    assert.ok(most > 1, `${most}: the lanes never ran side by side`);
    assert.ok(most <= AHEAD_SEGMENTS, `${most} segments held at once`);
  });

  it("encrypts in this thread alone when it has one lane", async () => {
    const p = await person();
    const single = localEncryptor();
    assert.equal(single.lanes, 1);
    const s = await single.encrypt([p.recipient], new Blob([bytes(10, 1)]));
    assert.equal(s.body.size, hybridFileSize(1, 10));
  });
});

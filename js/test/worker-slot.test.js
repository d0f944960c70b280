import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { WorkerSlot } from "../src/worker-slot.js";

/** A Worker that records what it is sent and can be made to speak or fail. */
class FakeWorker {
  /** @param {URL} url */
  constructor(url) {
    this.url = url;
    /** @type {unknown[]} */
    this.sent = [];
    this.terminated = false;
    /** @type {((event: {data: unknown}) => void) | null} */
    this.onmessage = null;
    /** @type {((event: {preventDefault(): void}) => void) | null} */
    this.onerror = null;
    /** @type {(() => void) | null} */
    this.onmessageerror = null;
    this.prevented = false;
  }

  /** @param {unknown} message */
  postMessage(message) {
    this.sent.push(message);
  }

  terminate() {
    this.terminated = true;
  }

  /** @param {unknown} data */
  say(data) {
    this.onmessage?.({ data });
  }

  fail() {
    this.onerror?.({ preventDefault: () => (this.prevented = true) });
  }
}

const URL_ = new URL("https://wbs.example.go.id/assets/peluit/worker.js");

function slot({ failCreate = 0 } = {}) {
  /** @type {FakeWorker[]} */
  const made = [];
  let refuse = failCreate;
  const s = new WorkerSlot(URL_, (url) => {
    if (refuse-- > 0) {
      throw new Error("blocked by CSP");
    }
    const w = new FakeWorker(url);
    made.push(w);
    return /** @type {any} */ (w);
  });
  const heard = [];
  let failures = 0;
  const listener = { onMessage: (/** @type {unknown} */ m) => heard.push(m), onFailure: () => failures++ };
  return { s, made, heard, listener, failures: () => failures };
}

describe("a page's worker slot", () => {
  it("hands the first message to the worker loaded ahead, and its answers to the page", () => {
    const { s, made, heard, listener } = slot();
    s.prepare();
    assert.equal(made.length, 1);
    assert.equal(made[0].url, URL_);
    assert.equal(s.start({ type: "submit" }, listener), true);
    assert.equal(made.length, 1); // no second worker
    assert.equal(s.running, /** @type {any} */ (made[0]));
    assert.deepEqual(made[0].sent, [{ type: "submit" }]);
    made[0].say({ type: "event" });
    assert.deepEqual(heard, [{ type: "event" }]);
    s.post({ type: "cancel" });
    assert.deepEqual(made[0].sent.at(-1), { type: "cancel" });
  });

  it("drops a spare that fails before it is used, and starts a new worker instead", () => {
    const { s, made, listener, failures } = slot();
    s.prepare();
    made[0].fail();
    assert.equal(made[0].prevented, true);
    assert.equal(made[0].terminated, true);
    assert.equal(s.spare, null);
    s.start({ type: "submit" }, listener);
    assert.equal(made.length, 2);
    assert.deepEqual(made[1].sent, [{ type: "submit" }]);
    assert.equal(failures(), 0);
  });

  it("replaces a spare that fails before saying anything once, with the same message", () => {
    const { s, made, listener, failures } = slot();
    s.prepare();
    s.start({ type: "submit", n: 1 }, listener);
    made[0].fail(); // its script never loaded
    assert.equal(made[0].terminated, true);
    assert.equal(made.length, 2);
    assert.deepEqual(made[1].sent, [{ type: "submit", n: 1 }]);
    assert.equal(s.running, /** @type {any} */ (made[1]));
    assert.equal(failures(), 0);
    made[1].fail(); // a new worker is not replaced again
    assert.equal(made.length, 2);
    assert.equal(failures(), 1);
  });

  it("reports a worker that fails after it has spoken, and one whose message cannot be read", () => {
    const { s, made, listener, failures } = slot();
    s.prepare();
    s.start({ type: "submit" }, listener);
    made[0].say({ type: "event" });
    made[0].fail();
    assert.equal(made.length, 1);
    assert.equal(failures(), 1);
    made[0].onmessageerror?.();
    assert.equal(failures(), 2);
  });

  it("says no when no worker can be started, and ignores a stopped worker's errors", () => {
    const blocked = slot({ failCreate: 1 });
    assert.equal(blocked.s.start({}, blocked.listener), false);
    const { s, made, listener, failures } = slot();
    s.start({}, listener);
    s.stop();
    assert.equal(made[0].terminated, true);
    assert.equal(s.running, null);
    made[0].fail();
    assert.equal(failures(), 0);
    assert.equal(made.length, 1);
  });
});

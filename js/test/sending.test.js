import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { page } from "./support/dom.js";
import { t } from "../src/messages.js";
import { Sending, failureText } from "../src/sending.js";

/** A worker slot whose worker is a record of what it was sent. */
class FakeSlot {
  constructor({ starts = true } = {}) {
    this.starts = starts;
    /** @type {unknown} */
    this.running = null;
    /** @type {unknown[]} */
    this.posted = [];
    /** @type {import("../src/worker-slot.js").Listener | null} */
    this.listener = null;
    this.stopped = 0;
  }

  start(message, listener) {
    if (!this.starts) {
      return false;
    }
    this.running = {};
    this.posted.push(message);
    this.listener = listener;
    return true;
  }

  post(message) {
    this.posted.push(message);
  }

  stop() {
    this.running = null;
    this.stopped++;
  }
}

class FakeProgress {
  constructor() {
    /** @type {unknown[]} */
    this.calls = [];
  }
  show(on) {
    this.calls.push(["show", on]);
  }
  status(text) {
    this.calls.push(["status", text]);
  }
  apply(update) {
    this.calls.push(["apply", update]);
  }
  done() {
    this.calls.push(["done"]);
  }
}

function attempt({ starts = true, graceMs = 5 } = {}) {
  const doc = page(`<button id="cancel" hidden></button><button id="retry" hidden></button>`);
  const cancelButton = /** @type {HTMLButtonElement} */ (doc.getElementById("cancel"));
  const retryButton = /** @type {HTMLButtonElement} */ (doc.getElementById("retry"));
  const worker = new FakeSlot({ starts });
  const progress = new FakeProgress();
  /** @type {unknown[]} */
  const outcomes = [];
  const sending = new Sending(
    "id",
    { worker: /** @type {any} */ (worker), progress: /** @type {any} */ (progress), cancelButton, retryButton },
    {
      filed: (result) => outcomes.push(["filed", result]),
      ended: (text) => outcomes.push(["ended", text]),
      stalled: (text) => outcomes.push(["stalled", text]),
    },
    graceMs,
  );
  const message = { type: /** @type {const} */ ("submit"), api: "/api/v1", request: { files: [{ name: "a.pdf" }] } };
  return { sending, worker, progress, outcomes, cancelButton, retryButton, message };
}

describe("one attempt at sending a report", () => {
  it("shows cancel and the progress, passes the worker's events on, and ends filed", () => {
    const { sending, worker, progress, outcomes, cancelButton, message } = attempt();
    sending.start(message);
    assert.deepEqual(worker.posted, [message]);
    assert.equal(cancelButton.hidden, false);
    assert.equal(sending.running, true);
    worker.listener?.onMessage({ type: "event", event: { type: "segment", file: 0, segment: 1, segments: 2 } });
    assert.match(String(progress.calls.at(-1)?.[1]?.status), /a\.pdf/);
    worker.listener?.onMessage({ type: "retry", reason: "network", delayMs: 3000 });
    assert.deepEqual(progress.calls.at(-1), ["status", t("id", "retry_network", { seconds: 3 })]);
    worker.listener?.onMessage({ type: "done", result: { case: "K3V9" } });
    assert.deepEqual(outcomes, [["filed", { case: "K3V9" }]]);
    assert.equal(sending.running, false);
    assert.equal(cancelButton.hidden, true);
    assert.deepEqual(progress.calls.slice(-2), [["done"], ["show", false]]);
  });

  it("cannot be cancelled once the case is being filed", () => {
    const { sending, worker, cancelButton, message } = attempt();
    sending.start(message);
    worker.listener?.onMessage({ type: "event", event: { type: "phase", phase: "finalizing" } });
    assert.equal(cancelButton.hidden, true);
    sending.cancel();
    assert.deepEqual(worker.posted, [message]); // no "cancel" sent
  });

  it("asks the worker to cancel, and stops it when it does not answer in time", async () => {
    const { sending, worker, outcomes, cancelButton, message } = attempt({ graceMs: 5 });
    sending.start(message);
    sending.cancel();
    assert.equal(cancelButton.disabled, true);
    assert.deepEqual(worker.posted.at(-1), { type: "cancel" });
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.deepEqual(outcomes, [["ended", t("id", "cancelled")]]);
    assert.equal(worker.running, null);
  });

  it("ends with the server's own message, ours, or 'worker failed' when no worker starts", () => {
    const { sending, worker, outcomes, message } = attempt();
    sending.start(message);
    worker.listener?.onMessage({ type: "failed", error: { code: "x", messages: { id: "Ditolak.", en: "Refused." } } });
    worker.listener?.onFailure();
    assert.deepEqual(outcomes, [
      ["ended", "Ditolak."],
      ["ended", t("id", "worker_failed")],
    ]);
    const blocked = attempt({ starts: false });
    blocked.sending.start(blocked.message);
    assert.deepEqual(blocked.outcomes, [["ended", t("id", "worker_failed")]]);
    assert.equal(failureText("en", { key: "file_unreadable", params: { name: "a" } }), t("en", "file_unreadable", { name: "a" }));
  });

  it("waits when the outcome is unknown, and sends the same finalization again on the reporter's word", () => {
    const { sending, worker, outcomes, retryButton, message } = attempt();
    assert.equal(sending.finalizeAgain(), false); // nothing is running
    sending.start(message);
    worker.listener?.onMessage({ type: "stalled" });
    assert.deepEqual(outcomes, [["stalled", t("id", "finalize_unknown")]]);
    assert.equal(retryButton.hidden, false);
    assert.equal(sending.running, true); // the page keeps warning before it is left
    assert.equal(sending.finalizeAgain(), true);
    assert.equal(retryButton.hidden, true);
    assert.deepEqual(worker.posted.at(-1), { type: "finalize-again" });
    assert.equal(sending.finalizeAgain(), false); // once per "try again"
  });
});

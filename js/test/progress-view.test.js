import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { page } from "./support/dom.js";
import { t } from "../src/messages.js";
import { renderFileList } from "../src/file-list.js";
import { ProgressView, progressUpdate, retryStatus } from "../src/progress-view.js";

const FILES = [{ name: "foto.jpg" }, { name: "video.mp4" }];

describe("what a worker event changes in the progress view", () => {
  it("moves the overall bar by phase, further without files (their upload fills it otherwise)", () => {
    const phase = (p, files) => progressUpdate("id", { type: "phase", phase: p }, files);
    assert.deepEqual(phase("preparing", []), { total: 0, status: t("id", "preparing") });
    assert.deepEqual(phase("report", []), { total: 40, status: t("id", "report") });
    assert.deepEqual(phase("finalizing", []), { total: 80, status: t("id", "finalizing") });
    assert.equal(phase("report", FILES).total, 95);
    assert.equal(phase("finalizing", FILES).total, 98);
  });

  it("names the file and segment being uploaded, and marks its row", () => {
    const update = progressUpdate("en", { type: "segment", file: 1, segment: 2, segments: 3 }, FILES);
    assert.equal(update.status, t("en", "uploading", { name: "video.mp4", segment: 2, segments: 3 }));
    assert.match(update.status ?? "", /video\.mp4.*2.*3/);
    assert.deepEqual(update.row, { file: 1, state: t("en", "file_sending") });
    assert.equal(update.total, undefined);
  });

  it("fills a file's bar and the overall bar (to 95 %) from the bytes sent, and marks a file sent", () => {
    const progress = (sent, total, overallSent) =>
      progressUpdate("id", { type: "progress", file: 0, sent, total, overallSent, overallTotal: 1000 }, FILES);
    assert.deepEqual(progress(50, 200, 500), { total: 47, row: { file: 0, percent: 25, state: undefined } });
    assert.deepEqual(progress(200, 200, 1000), { total: 95, row: { file: 0, percent: 100, state: t("id", "file_done") } });
  });

  it("says why it waits and for how many whole seconds, at least one", () => {
    assert.equal(retryStatus("id", { reason: "replan", delayMs: 0 }), t("id", "replan"));
    assert.equal(retryStatus("id", { reason: "network", delayMs: 2600 }), t("id", "retry_network", { seconds: 3 }));
    assert.equal(retryStatus("en", { reason: "server", delayMs: 100 }), t("en", "retry_server", { seconds: 1 }));
  });
});

describe("the progress view", () => {
  it("starts at zero with every file waiting, applies updates to the right row, and hides", () => {
    const doc = page(`<div id="box" hidden><progress id="total"></progress><p id="status"></p></div><ul id="files"></ul>`);
    const list = /** @type {HTMLElement} */ (doc.getElementById("files"));
    const blobs = [new Blob(["a"]), new Blob(["bb"])].map((b, i) => Object.assign(b, { name: `f${i}` }));
    renderFileList(list, blobs, "id", () => {});
    const view = new ProgressView("id", {
      box: doc.getElementById("box"),
      total: /** @type {HTMLProgressElement} */ (/** @type {unknown} */ (doc.getElementById("total"))),
      status: doc.getElementById("status"),
      fileList: list,
    });
    view.show(true);
    assert.equal(doc.getElementById("box")?.hidden, false);
    assert.equal(doc.getElementById("status")?.textContent, t("id", "preparing"));
    const states = () => Array.from(list.querySelectorAll(".peluit-file-status"), (s) => s.textContent);
    assert.deepEqual(states(), [t("id", "file_waiting"), t("id", "file_waiting")]);
    view.apply({ total: 30, row: { file: 1, percent: 60, state: "x" } });
    const bars = Array.from(list.querySelectorAll("progress"), (b) => /** @type {HTMLProgressElement} */ (b).value);
    assert.deepEqual(bars, [0, 60]);
    assert.deepEqual(states(), [t("id", "file_waiting"), "x"]);
    assert.equal(/** @type {any} */ (doc.getElementById("total")).value, 30);
    view.apply({ row: { file: 1, percent: 70 } }); // the state stays
    assert.deepEqual(states()[1], "x");
    view.done();
    assert.equal(/** @type {any} */ (doc.getElementById("total")).value, 100);
    assert.equal(doc.getElementById("status")?.textContent, t("id", "done"));
    view.show(false);
    assert.equal(doc.getElementById("box")?.hidden, true);
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { page } from "./support/dom.js";
import { t } from "../src/messages.js";
import { FilePicker, mergeFiles, renderFileList } from "../src/file-list.js";

/** @param {string} name @param {number} size @param {number} [lastModified] */
const file = (name, size, lastModified = 1) => Object.assign(new Blob([new Uint8Array(size)]), { name, lastModified });
const LIMITS = { report_max_bytes: 1000, file_max_bytes: 10, files_per_report: 2, total_max_bytes: 100, segment_bytes: 5 };

describe("the chosen files", () => {
  it("add to the list in order, each file once (same name, size and date)", () => {
    const a = file("a.pdf", 3);
    const merged = mergeFiles([a], [file("b.pdf", 3), file("a.pdf", 3), file("a.pdf", 4), file("a.pdf", 3, 2)]);
    assert.deepEqual(
      merged.map((f) => [f.name, f.size, f.lastModified]),
      [["a.pdf", 3, 1], ["b.pdf", 3, 1], ["a.pdf", 4, 1], ["a.pdf", 3, 2]],
    );
    assert.equal(merged[0], a);
  });

  it("each get a row with the name as text, the size, a labelled remove button, a bar and a state", () => {
    const doc = page(`<ul id="list"></ul>`);
    const list = /** @type {HTMLElement} */ (doc.getElementById("list"));
    const removed = [];
    renderFileList(list, [file("<img src=x>.png", 2048), file("b.txt", 1)], "en", (n) => removed.push(n));
    const rows = list.querySelectorAll("li[data-file]");
    assert.equal(rows.length, 2);
    assert.equal(rows[0].querySelector(".peluit-file-name")?.textContent, "<img src=x>.png");
    assert.equal(list.querySelector("img"), null);
    assert.equal(rows[0].querySelector(".peluit-file-size")?.textContent, "2 KB");
    const button = /** @type {HTMLButtonElement} */ (rows[1].querySelector("button"));
    assert.equal(button.getAttribute("aria-label"), t("en", "file_remove_label", { name: "b.txt" }));
    assert.equal(button.type, "button");
    button.click();
    assert.deepEqual(removed, [1]);
    assert.ok(rows[1].querySelector("progress") && rows[1].querySelector(".peluit-file-status"));
  });

  it("are checked against the limits at once, in the files' section", async () => {
    const doc = page(`<fieldset class="peluit-section"><input type="file" id="pf-files"><ul id="list"></ul></fieldset>`);
    const input = /** @type {HTMLInputElement} */ (doc.getElementById("pf-files"));
    const picker = new FilePicker("id", input, doc.getElementById("list"), Promise.resolve(LIMITS));
    picker.files = [file("kecil.txt", 5)];
    assert.equal(picker.check(LIMITS), true);
    const section = /** @type {Element} */ (input.closest(".peluit-section"));
    assert.equal(section.classList.contains("peluit-invalid"), false);
    picker.files.push(file("besar.bin", 11));
    assert.equal(picker.check(LIMITS), false);
    assert.ok(section.classList.contains("peluit-invalid"));
    assert.match(section.querySelector(".peluit-error")?.textContent ?? "", /besar\.bin/);
    picker.remove(1);
    assert.equal(picker.files.length, 1);
    await Promise.resolve();
    await Promise.resolve();
    assert.equal(section.classList.contains("peluit-invalid"), false); // said again after the change
    picker.clear();
    assert.equal(picker.files.length, 0);
    assert.equal(doc.querySelectorAll("li").length, 0);
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { page } from "./support/dom.js";
import { safeName, saveFile } from "../src/saved-file.js";

describe("a team file's name on the reporter's device", () => {
  it("is the last path part, whichever slash the name uses", () => {
    assert.equal(safeName("../../etc/passwd"), "passwd");
    assert.equal(safeName("C:\\Users\\x\\laporan.pdf"), "laporan.pdf");
  });

  it("loses control and format characters and replaces those Windows refuses", () => {
    assert.equal(safeName("a\u0000b\u202Ecod.exe"), "abcod.exe"); // NUL and a right-to-left override
    assert.equal(safeName('bukti<1>:"?|*.txt'), "bukti_1______.txt");
  });

  it("has no leading dots nor trailing dots and spaces, and is never empty", () => {
    assert.equal(safeName("..hidden"), "hidden");
    assert.equal(safeName("surat. . "), "surat");
    assert.equal(safeName("..."), "lampiran");
    assert.equal(safeName(""), "lampiran");
    assert.equal(safeName("dir/"), "lampiran");
  });

  it("is composed (NFC) and at most 120 characters", () => {
    assert.equal(safeName("cafe\u0301.txt"), "caf\u00e9.txt");
    assert.equal(safeName("x".repeat(300)).length, 120);
  });
});

describe("saving a team file", () => {
  it("downloads the bytes through a temporary link under the safe name, then removes the link", () => {
    const doc = page("");
    /** @type {{download: string, href: string, inPage: boolean}[]} */
    const clicks = [];
    const created = /** @type {Blob[]} */ ([]);
    const original = { create: URL.createObjectURL, revoke: URL.revokeObjectURL, timeout: globalThis.setTimeout };
    URL.createObjectURL = (/** @type {Blob} */ blob) => (created.push(blob), "blob:peluit/1");
    URL.revokeObjectURL = () => {};
    globalThis.setTimeout = /** @type {any} */ (() => 0);
    const proto = Object.getPrototypeOf(doc.createElement("a"));
    const click = proto.click;
    proto.click = function () {
      clicks.push({ download: this.download, href: this.href, inPage: doc.body.contains(this) });
    };
    try {
      const name = saveFile(doc, { name: "../bukti\u202E.pdf", mime: "", data: new Uint8Array([1, 2, 3]).buffer });
      assert.equal(name, "bukti.pdf");
    } finally {
      proto.click = click;
      URL.createObjectURL = original.create;
      URL.revokeObjectURL = original.revoke;
      globalThis.setTimeout = original.timeout;
    }
    assert.deepEqual(clicks, [{ download: "bukti.pdf", href: "blob:peluit/1", inPage: true }]);
    assert.equal(created.length, 1);
    assert.equal(created[0].size, 3);
    assert.equal(created[0].type, "application/octet-stream");
    assert.equal(doc.querySelector("a"), null);
  });
});

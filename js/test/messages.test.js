import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MESSAGES, fill, formatBytes, formatDate, t } from "../src/messages.js";

describe("messages", () => {
  it("has every text in Indonesian and English with the same placeholders", () => {
    for (const [key, text] of Object.entries(MESSAGES)) {
      assert.ok(text.id && text.en, key);
      const names = (s) => (s.match(/\{\w+\}/g) ?? []).sort();
      assert.deepEqual(names(text.id), names(text.en), key);
    }
  });

  it("chooses the page's language and fills placeholders", () => {
    assert.equal(t("id", "files_too_many", { max: 10 }), "Paling banyak 10 berkas per laporan.");
    assert.equal(t("en", "files_too_many", { max: 10 }), "At most 10 files per report.");
    assert.equal(fill("{a} {b}", { a: 1 }), "1 {b}");
  });

  it("writes sizes and dates for people", () => {
    assert.equal(formatBytes("id", 1536 * 1024), "1,5 MB");
    assert.equal(formatBytes("en", 1536 * 1024), "1.5 MB");
    assert.equal(formatBytes("en", 12), "12 B");
    assert.equal(formatDate("en", "2025-11-28"), "28 November 2025");
    assert.match(formatDate("id", "2025-11-28"), /^28 November 2025$/);
    assert.equal(formatDate("id", "bad"), "bad");
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fieldValue, fileProblems, identityChoice, identityChoices } from "../src/validate.js";

const LIMITS = { report_max_bytes: 1 << 20, file_max_bytes: 1000, files_per_report: 2, total_max_bytes: 1500, segment_bytes: 100 };

describe("validation", () => {
  it("requires required fields, trims text and records empty optional ones as null", () => {
    assert.deepEqual(fieldValue({ id: "what", kind: "textarea", required: true }, "  "), { value: null, problem: { key: "required" } });
    assert.deepEqual(fieldValue({ id: "what", kind: "text" }, "  di sini "), { value: "di sini" });
    assert.deepEqual(fieldValue({ id: "how", kind: "textarea" }, ""), { value: null });
  });

  it("limits length", () => {
    assert.deepEqual(fieldValue({ id: "a", kind: "text", max_length: 3 }, "abcd").problem, { key: "too_long", params: { n: 4, max: 3 } });
  });

  it("reads money as digits, accepting Rp and thousands separators", () => {
    const money = { id: "loss", kind: "money" };
    assert.equal(fieldValue(money, "Rp 1.500.000").value, "1500000");
    assert.equal(fieldValue(money, "2 000").value, "2000");
    assert.equal(fieldValue(money, "satu juta").problem?.key, "money");
    assert.equal(fieldValue(money, "-5").problem?.key, "money");
  });

  it("accepts real dates only", () => {
    const date = { id: "d", kind: "date" };
    assert.equal(fieldValue(date, "2024-02-29").value, "2024-02-29");
    assert.equal(fieldValue(date, "2023-02-29").problem?.key, "date");
    assert.equal(fieldValue(date, "29/02/2024").problem?.key, "date");
  });

  it("accepts only offered options", () => {
    const select = { id: "s", kind: "select", options: [{ id: "belum" }, { id: "sudah" }] };
    assert.equal(fieldValue(select, "sudah").value, "sudah");
    assert.equal(fieldValue(select, "lain").problem?.key, "choice");
    assert.equal(fieldValue({ id: "area", kind: "kpk_area" }, "pengadaan", ["pengadaan"]).value, "pengadaan");
  });

  it("reads checkboxes as true/false and requires a required one ticked", () => {
    assert.deepEqual(fieldValue({ id: "c", kind: "boolean" }, false), { value: false });
    assert.deepEqual(fieldValue({ id: "c", kind: "boolean", required: true }, false).problem, { key: "required_box" });
    assert.deepEqual(fieldValue({ id: "c", kind: "boolean", required: true }, true), { value: true });
  });

  it("offers the identity choices the channel allows", () => {
    assert.deepEqual(identityChoices("none"), ["anonymous"]);
    assert.deepEqual(identityChoices("required"), ["confidential", "open"]);
    assert.deepEqual(identityChoice("none", null), { choice: "anonymous" });
    assert.deepEqual(identityChoice("optional", "open"), { choice: "open" });
    assert.equal(identityChoice("required", "anonymous").problem?.key, "identity_choice");
    assert.equal(identityChoice("optional", null).problem?.key, "identity_choice");
  });

  it("checks files against the limits", () => {
    assert.deepEqual(fileProblems([{ name: "a", size: 10 }], LIMITS), []);
    const keys = (files) => fileProblems(files, LIMITS).map((p) => p.key);
    assert.deepEqual(keys([{ name: "a", size: 1 }, { name: "b", size: 1 }, { name: "c", size: 1 }]), ["files_too_many"]);
    assert.deepEqual(keys([{ name: "a", size: 1001 }]), ["file_too_large"]);
    assert.deepEqual(keys([{ name: "a", size: 0 }]), ["file_empty"]);
    assert.deepEqual(keys([{ name: "a", size: 900 }, { name: "b", size: 900 }]), ["files_total"]);
    assert.deepEqual(keys([{ name: "a", size: 1000 }]), []);
  });
});

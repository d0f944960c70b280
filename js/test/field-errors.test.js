import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { page } from "./support/dom.js";
import { INVALID, clearError, errorElement, hideError, isInvalid, showError } from "../src/field-errors.js";

const FIELD = `<div class="peluit-field" id="f"><label>Judul</label><input id="pf-title"></div>`;

describe("a field's error", () => {
  it("is made as an alert paragraph when the markup has none, and reused after", () => {
    const doc = page(FIELD);
    const field = /** @type {Element} */ (doc.getElementById("f"));
    const el = errorElement(field);
    assert.equal(el.tagName, "P");
    assert.equal(el.className, "peluit-error");
    assert.equal(el.getAttribute("role"), "alert");
    assert.equal(el.hidden, true);
    assert.equal(errorElement(field), el);
    assert.equal(field.querySelectorAll(".peluit-error").length, 1);
  });

  it("shows its text as text, marks the field and its controls invalid, and goes again", () => {
    const doc = page(FIELD);
    const field = /** @type {Element} */ (doc.getElementById("f"));
    showError(field, "<b>Wajib</b> diisi.");
    const el = errorElement(field);
    assert.equal(el.textContent, "<b>Wajib</b> diisi.");
    assert.equal(el.querySelector("b"), null); // never parsed as HTML
    assert.equal(el.hidden, false);
    assert.ok(field.classList.contains(INVALID));
    assert.equal(doc.getElementById("pf-title")?.getAttribute("aria-invalid"), "true");
    hideError(field);
    assert.equal(el.textContent, "");
    assert.equal(el.hidden, true);
    assert.equal(isInvalid(field), false);
    assert.equal(doc.getElementById("pf-title")?.hasAttribute("aria-invalid"), false);
  });

  it("goes when the reporter changes the field's control, and only that field's", () => {
    const doc = page(`${FIELD}<div class="peluit-field" id="g"><input id="pf-other"></div>`);
    const [f, g] = [doc.getElementById("f"), doc.getElementById("g")].map((e) => /** @type {Element} */ (e));
    showError(f, "a");
    showError(g, "b");
    clearError(/** @type {Element} */ (doc.getElementById("pf-title")));
    assert.equal(isInvalid(f), false);
    assert.equal(isInvalid(g), true);
    assert.equal(errorElement(g).textContent, "b");
  });
});

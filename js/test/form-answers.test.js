import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { page } from "./support/dom.js";
import { t } from "../src/messages.js";
import { collectAnswers, readControl } from "../src/form-answers.js";
import { chosenIdentity, showIdentity } from "../src/identity-view.js";
import { deadlineLines, localToday, showLines } from "../src/deadline-list.js";

const FORM = `<form id="f">
  <fieldset class="peluit-section" data-section="identity-choice">
    <input type="radio" name="identity_choice" value="anonymous">
    <input type="radio" name="identity_choice" value="confidential">
  </fieldset>
  <fieldset class="peluit-section">
    <div class="peluit-field" data-field="what"><textarea id="pf-what"></textarea></div>
    <div class="peluit-field" data-field="area"><select id="pf-area">
      <option value=""></option><option value="pengadaan">Pengadaan</option><option value="perizinan">Perizinan</option>
    </select></div>
  </fieldset>
  <fieldset class="peluit-section" data-section="consents" hidden>
    <div class="peluit-field" data-field="consent_reward"><input type="checkbox" id="pf-consent_reward"></div>
  </fieldset>
  <fieldset class="peluit-section" data-section="identity" hidden>
    <div class="peluit-field" data-field="name"><input id="pf-name"></div>
    <div class="peluit-field" data-field="phone"><input id="pf-phone"></div>
    <div class="peluit-field" data-field="nik"><input id="pf-nik"></div>
  </fieldset>
  <button id="pf-submit">Kirim</button>
</form>`;

const SPEC = {
  identity: /** @type {const} */ ("optional"),
  report_recipients: ["age1x"],
  fields: [
    { id: "what", kind: "textarea", required: true, max_length: 100 },
    { id: "area", kind: "select", required: true, options: ["pengadaan", "perizinan"] },
    { id: "consent_reward", kind: "boolean", purpose: "consent" },
    { id: "name", kind: "text", identity: true, purpose: "name" },
    { id: "phone", kind: "text", identity: true, purpose: "contact" },
    { id: "nik", kind: "text", identity: true, purpose: "nik" },
  ],
};

/** @param {Document} doc @param {string} id */
const control = (doc, id) => /** @type {HTMLInputElement} */ (doc.getElementById(id));

function fill(doc, values) {
  for (const [id, value] of Object.entries(values)) {
    const el = control(doc, id);
    if (typeof value === "boolean") {
      el.checked = value;
    } else {
      el.value = value;
    }
  }
}

function collect(doc) {
  const form = /** @type {HTMLFormElement} */ (doc.getElementById("f"));
  return collectAnswers(form, /** @type {any} */ (SPEC), "id", control(doc, "pf-submit"));
}

describe("the report form's answers", () => {
  it("are read from each kind of control, a select with its allowed values", () => {
    const doc = page(FORM);
    fill(doc, { "pf-what": "Pungli", "pf-consent_reward": true, "pf-area": "perizinan" });
    assert.deepEqual(readControl(control(doc, "pf-what")), { raw: "Pungli" });
    assert.deepEqual(readControl(control(doc, "pf-consent_reward")), { raw: true });
    assert.deepEqual(readControl(control(doc, "pf-area")), { raw: "perizinan", allowed: ["pengadaan", "perizinan"] });
    assert.deepEqual(readControl(null), { raw: null });
  });

  it("mark every invalid field, the identity choice first, and carry nothing when none is chosen", () => {
    const doc = page(FORM);
    const { choice, invalid } = collect(doc);
    assert.equal(choice, null);
    assert.deepEqual(
      invalid.map((el) => el.getAttribute("id") ?? el.getAttribute("value")),
      ["anonymous", "pf-what", "pf-area"],
    );
    const what = /** @type {Element} */ (doc.querySelector('[data-field="what"]'));
    assert.equal(what.querySelector(".peluit-error")?.textContent, t("id", "required"));
    assert.equal(control(doc, "pf-what").getAttribute("aria-invalid"), "true");
  });

  it("of an anonymous reporter leave the identity fields out, and refuse a consent left ticked", () => {
    const doc = page(FORM);
    fill(doc, { "pf-what": "Pungli di loket", "pf-area": "pengadaan", "pf-name": "Sari", "pf-consent_reward": true });
    /** @type {HTMLInputElement} */ (doc.querySelector('[value="anonymous"]')).checked = true;
    const { choice, answers, identity, invalid } = collect(doc);
    assert.equal(choice, "anonymous");
    assert.equal(identity, null);
    assert.deepEqual(answers, { what: "Pungli di loket", area: "pengadaan" });
    assert.deepEqual(invalid, [control(doc, "pf-consent_reward")]);
    assert.equal(chosenIdentity(doc), "anonymous");
  });

  it("with an identity carry it apart, the NIK as its 16 digits", () => {
    const doc = page(FORM);
    fill(doc, {
      "pf-what": "Pungli",
      "pf-area": "pengadaan",
      "pf-name": "Sari",
      "pf-phone": "0812",
      "pf-nik": "1504.0101 0101-0001",
      "pf-consent_reward": true,
    });
    /** @type {HTMLInputElement} */ (doc.querySelector('[value="confidential"]')).checked = true;
    const { choice, answers, identity, invalid } = collect(doc);
    assert.deepEqual(invalid, []);
    assert.equal(choice, "confidential");
    assert.deepEqual(answers, { what: "Pungli", area: "pengadaan", consent_reward: true });
    assert.deepEqual(identity, { name: "Sari", phone: "0812", nik: "1504010101010001" });
  });
});

describe("the identity part of the form", () => {
  it("shows the identity questions and consents only with an identity, and keeps a ticked consent in view", () => {
    const doc = page(FORM);
    const section = (name) => /** @type {HTMLFieldSetElement} */ (doc.querySelector(`[data-section="${name}"]`));
    showIdentity(doc, "id");
    assert.equal(section("identity").hidden, true);
    assert.equal(section("consents").hidden, true);
    assert.equal(section("consents").disabled, true);
    /** @type {HTMLInputElement} */ (doc.querySelector('[value="confidential"]')).checked = true;
    showIdentity(doc, "id");
    assert.equal(section("identity").hidden, false);
    assert.equal(section("consents").hidden, false);
    control(doc, "pf-consent_reward").checked = true;
    /** @type {HTMLInputElement} */ (doc.querySelector('[value="anonymous"]')).checked = true;
    showIdentity(doc, "id");
    assert.equal(section("identity").hidden, true);
    assert.equal(section("consents").hidden, false); // never dropped unseen
    const holder = /** @type {Element} */ (doc.querySelector('[data-field="consent_reward"]'));
    assert.equal(holder.querySelector(".peluit-error")?.textContent, t("id", "consent_needs_identity"));
    control(doc, "pf-consent_reward").checked = false;
    showIdentity(doc, "id");
    assert.equal(section("consents").hidden, true);
    assert.equal(holder.classList.contains("peluit-invalid"), false);
  });
});

describe("a date question's deadlines", () => {
  const rules = [{ from_field: "when", working_days: 5, label: { id: "untuk tindak lanjut", en: "for follow-up" } }];

  it("count working days from the date entered and say when one has passed", () => {
    const lines = (today) => deadlineLines("en", { rules, field: "when", value: "2025-12-05", holidays: [], today });
    assert.deepEqual(lines("2025-12-01"), [t("en", "deadline", { date: "12 December 2025", label: "for follow-up", days: 5 })]);
    assert.match(lines("2025-12-13")[0], /passed/);
    assert.deepEqual(deadlineLines("en", { rules, field: "when", value: "", holidays: [], today: "2025-12-01" }), []);
    assert.deepEqual(deadlineLines("en", { rules, field: "other", value: "2025-12-05", holidays: [], today: "x" }), []);
  });

  it("compare with the person's own calendar day, and are listed as text", () => {
    assert.equal(localToday(new Date(2026, 0, 7, 23, 59)), "2026-01-07");
    const doc = page(`<ul id="d"><li>old</li></ul>`);
    const list = /** @type {HTMLElement} */ (doc.getElementById("d"));
    showLines(list, ["<b>a</b>", "b"]);
    assert.deepEqual(Array.from(list.querySelectorAll("li"), (li) => li.textContent), ["<b>a</b>", "b"]);
    assert.equal(list.querySelector("b"), null);
  });
});

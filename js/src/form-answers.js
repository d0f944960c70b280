// Read the report form's answers against the channel's fields and mark every invalid one
// (field-errors.js): each field's own check (validate.js), then the rules between fields
// (identity-rules.js). An anonymous reporter's identity fields are neither checked nor sent, and
// a consent left ticked without an identity is refused. A NIK is sent as its 16 digits.
import { find } from "./dom.js";
import { hideError, showError } from "./field-errors.js";
import { identityGiven, identityProblems, nikDigits } from "./identity-rules.js";
import { t } from "./messages.js";
import { fieldValue, identityChoice } from "./validate.js";
import { chosenIdentity } from "./identity-view.js";

/** @typedef {import("./messages.js").Lang} Lang */
/** @typedef {import("./report.js").Answers} Answers */
/**
 * @typedef {object} Collected
 * @property {"anonymous" | "confidential" | "open" | null} choice null: none chosen yet
 * @property {Answers} answers
 * @property {Answers | null} identity null without an identity
 * @property {HTMLElement[]} invalid what to focus, first one first; a field that the channel has
 *   and the markup lacks counts as `fallback` (the two disagree: refuse)
 */

/**
 * A control's raw value, and a select's allowed values.
 * @param {Element | null} control
 * @returns {{raw: string | boolean | null, allowed?: string[]}}
 */
export function readControl(control) {
  if (control instanceof HTMLInputElement && control.type === "checkbox") {
    return { raw: control.checked };
  }
  if (control instanceof HTMLSelectElement) {
    return { raw: control.value, allowed: Array.from(control.options, (o) => o.value).filter((v) => v !== "") };
  }
  if (control instanceof HTMLInputElement || control instanceof HTMLTextAreaElement) {
    return { raw: control.value };
  }
  return { raw: null };
}

/**
 * @param {HTMLFormElement} form
 * @param {import("./site-config.js").SiteConfig["channels"][string]} spec
 * @param {Lang} lang
 * @param {HTMLElement} fallback what to focus for a problem without a field in the page
 * @returns {Collected}
 */
export function collectAnswers(form, spec, lang, fallback) {
  /** @type {HTMLElement[]} */
  const invalid = [];
  const choice = identityChoice(spec.identity, chosenIdentity(form));
  /** @type {HTMLElement | null} */
  const choiceSection = find(form, '[data-section="identity-choice"]');
  if (choiceSection) {
    if (choice.problem) {
      showError(choiceSection, t(lang, choice.problem.key));
      invalid.push(/** @type {HTMLElement} */ (find(choiceSection, "input") ?? choiceSection));
    } else {
      hideError(choiceSection);
    }
  }
  const withIdentity = identityGiven(choice.choice);
  /** @type {Answers} */
  const answers = {};
  /** @type {Answers} */
  const identity = {};
  /** @type {Answers} what an anonymous reporter left ticked, to refuse it */
  const consents = {};
  /** @type {Map<string, {holder: Element | null, control: Element | null}>} */
  const controls = new Map();
  for (const field of spec.fields) {
    if (field.identity && !withIdentity) {
      continue; // an anonymous reporter's identity fields are neither checked nor sent
    }
    const holder = find(form, `.peluit-field[data-field="${CSS.escape(field.id)}"]`);
    const control = holder ? find(holder, "input, textarea, select") : null;
    const { raw, allowed } = readControl(control);
    controls.set(field.id, { holder, control });
    const { value, problem } = fieldValue(field, raw, allowed);
    if (field.purpose === "consent" && !withIdentity) {
      consents[field.id] = value; // checked below; an anonymous reporter's consents are not sent
      continue;
    }
    if (holder) {
      if (problem) {
        showError(holder, t(lang, problem.key, problem.params));
        invalid.push(/** @type {HTMLElement} */ (control ?? holder));
      } else {
        hideError(holder);
      }
    } else if (problem) {
      invalid.push(fallback); // markup and configuration disagree: refuse
    }
    (field.identity ? identity : answers)[field.id] = value;
  }
  for (const problem of identityProblems(spec.fields, choice.choice, { ...answers, ...consents }, identity)) {
    const { holder, control } = controls.get(problem.field) ?? { holder: null, control: null };
    if (!holder) {
      invalid.push(fallback);
    } else if (!invalid.includes(/** @type {HTMLElement} */ (control ?? holder))) {
      // (a field whose own check failed keeps that message)
      showError(holder, t(lang, problem.key, problem.params));
      invalid.push(/** @type {HTMLElement} */ (control ?? holder));
    }
  }
  for (const field of spec.fields) {
    const value = identity[field.id];
    if (field.purpose === "nik" && typeof value === "string") {
      identity[field.id] = nikDigits(value) ?? value; // sent as its 16 digits
    }
  }
  return { choice: choice.choice, answers, identity: withIdentity ? identity : null, invalid };
}

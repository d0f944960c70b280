// The identity part of the report form: the identity questions show only with a non-anonymous
// choice; so do the consents to a reward and to public recognition, which need one. A consent
// ticked before the reporter chose "anonymous" stays in view, with the reason it cannot be
// kept, until it is unticked: it is never dropped unseen.
import { find } from "./dom.js";
import { hideError, isInvalid, showError } from "./field-errors.js";
import { identityGiven } from "./identity-rules.js";
import { t } from "./messages.js";

/** @typedef {import("./messages.js").Lang} Lang */

/**
 * @param {ParentNode} form
 * @returns {string | null} the chosen identity_choice, if any
 */
export function chosenIdentity(form) {
  const checked = find(form, 'input[name="identity_choice"]:checked');
  return checked ? /** @type {HTMLInputElement} */ (checked).value : null;
}

/**
 * @param {ParentNode} form
 * @param {Lang} lang
 */
export function showIdentity(form, lang) {
  const given = identityGiven(chosenIdentity(form));
  /** @type {HTMLElement | null} */
  const identity = find(form, '[data-section="identity"]');
  if (identity) {
    identity.hidden = !given;
  }
  /** @type {HTMLFieldSetElement | null} */
  const consents = find(form, '[data-section="consents"]');
  if (!consents) {
    return;
  }
  /** @type {HTMLInputElement[]} */
  const boxes = Array.from(consents.querySelectorAll('input[type="checkbox"]'));
  const shown = given || boxes.some((box) => box.checked);
  consents.hidden = !shown;
  consents.disabled = !shown;
  for (const box of boxes) {
    const holder = box.closest(".peluit-field");
    if (!holder) {
      continue;
    }
    if (!given && box.checked) {
      showError(holder, t(lang, "consent_needs_identity"));
    } else if (isInvalid(holder)) {
      hideError(holder);
    }
  }
}

// A field's or section's error: the message under it (`.peluit-error`, role=alert, made for
// markup that has none), the `peluit-invalid` class on it and `aria-invalid` on its controls.
// Text only: a message is never parsed as HTML.
import { find } from "./dom.js";

export const INVALID = "peluit-invalid";

/**
 * The error element in `holder`, made if the markup has none.
 * @param {Element} holder
 * @returns {HTMLElement}
 */
export function errorElement(holder) {
  /** @type {HTMLElement | null} */
  const found = find(holder, ":scope > .peluit-error");
  if (found) {
    return found;
  }
  const el = holder.ownerDocument.createElement("p");
  el.className = "peluit-error";
  el.setAttribute("role", "alert");
  el.hidden = true;
  holder.append(el);
  return el;
}

/**
 * @param {Element} holder the field or section that is invalid
 * @param {string} text
 */
export function showError(holder, text) {
  const el = errorElement(holder);
  el.textContent = text;
  el.hidden = false;
  holder.classList.add(INVALID);
  for (const control of holder.querySelectorAll("input, textarea, select")) {
    control.setAttribute("aria-invalid", "true");
  }
}

/** @param {Element} holder */
export function hideError(holder) {
  const el = errorElement(holder);
  el.textContent = "";
  el.hidden = true;
  holder.classList.remove(INVALID);
  for (const control of holder.querySelectorAll("[aria-invalid]")) {
    control.removeAttribute("aria-invalid");
  }
}

/** @param {Element} holder */
export function isInvalid(holder) {
  return holder.classList.contains(INVALID);
}

/**
 * The reporter changed a control: its field's error goes (it is checked again on sending).
 * @param {Element} target
 */
export function clearError(target) {
  const field = target.closest?.(".peluit-field");
  if (field && isInvalid(field)) {
    hideError(field);
  }
}

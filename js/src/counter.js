// The character counters under the form's text answers (`.peluit-counter[data-count-for]`,
// peluit/site/forms.py). The markup has no `maxlength`, which would cut pasted text silently:
// the counter says how much room is left from 80 % of the limit on, and how much is too much
// beyond it; validate.js then refuses to send what is too long. Lengths are counted as
// validate.js counts them (the value's `length`).
import { t } from "./messages.js";

/** @typedef {import("./messages.js").Lang} Lang */

export const NEAR = 0.8;

/**
 * What a counter shows for `length` characters of at most `max`.
 * @param {number} length
 * @param {number} max
 * @returns {{state: "ok" | "near" | "over", key: string, params: Record<string, number>}}
 */
export function countState(length, max) {
  const params = { n: length, max, left: max - length, over: length - max };
  if (length > max) {
    return { state: "over", key: "counter_over", params };
  }
  return { state: length >= NEAR * max ? "near" : "ok", key: length >= NEAR * max ? "counter_near" : "counter", params };
}

/**
 * Keep one counter up to date with its control. A one-line answer's counter (rendered
 * hidden) shows only once it is near the limit; a long answer's always does.
 * @param {HTMLElement} counter
 * @param {HTMLInputElement | HTMLTextAreaElement} control
 * @param {Lang} lang
 * @returns {"ok" | "near" | "over"}
 */
export function updateCounter(counter, control, lang) {
  const max = Number(counter.dataset.max);
  const { state, key, params } = countState(control.value.length, max);
  const format = new Intl.NumberFormat(lang === "en" ? "en-GB" : "id-ID");
  const shown = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, format.format(v)]));
  // (hidden, and empty: it is part of the control's description)
  const quiet = control instanceof HTMLInputElement && state === "ok";
  counter.textContent = quiet ? "" : t(lang, key, shown);
  counter.hidden = quiet;
  counter.classList.toggle("peluit-counter--near", state === "near");
  counter.classList.toggle("peluit-counter--over", state === "over");
  return state;
}

/**
 * Attach every counter in `form` to its control and show the current counts. Crossing into
 * "near" or "over" is also said once in a status region for screen readers (`#pf-count-status`),
 * which are not told every keystroke's count.
 * @param {HTMLFormElement} form
 * @param {Lang} lang
 * @returns {() => void} updates every counter (after the form is reset)
 */
export function attachCounters(form, lang) {
  /** @type {Array<() => void>} */
  const updates = [];
  const status = document.createElement("p");
  status.id = "pf-count-status";
  status.className = "peluit-sr-only";
  status.setAttribute("role", "status");
  form.append(status);
  for (const counter of form.querySelectorAll("[data-count-for]")) {
    const el = /** @type {HTMLElement} */ (counter);
    const control = form.querySelector(`#pf-${CSS.escape(el.dataset.countFor ?? "")}`);
    if (control instanceof HTMLInputElement || control instanceof HTMLTextAreaElement) {
      let last = "ok";
      const update = () => {
        const state = updateCounter(el, control, lang);
        if (state !== last && state !== "ok") {
          status.textContent = el.textContent;
        }
        last = state;
      };
      control.addEventListener("input", update);
      updates.push(update);
      update();
    }
  }
  return () => updates.forEach((update) => update());
}

// The receipt section of the page (`#pf-receipt`): shown once, after the case is filed, with
// the receipt code, the case reference, the date and a Copy button. Nothing of it is stored.
import { formatDate, t } from "./messages.js";

/** @typedef {import("./messages.js").Lang} Lang */

/**
 * Fill in and show the receipt section, and move the focus there.
 * @param {HTMLElement} section `#pf-receipt`
 * @param {Lang} lang
 * @param {{receipt: string, case: string, acknowledgedOn: string}} result
 */
export function showReceipt(section, lang, result) {
  const put = (/** @type {string} */ id, /** @type {string} */ text) => {
    const el = section.querySelector(`#${id}`);
    if (el) {
      el.textContent = text;
    }
  };
  put("pf-receipt-code", result.receipt);
  put("pf-case", result.case);
  put("pf-date", formatDate(lang, result.acknowledgedOn));
  section.hidden = false;
  section.setAttribute("tabindex", "-1");
  section.focus();
  section.scrollIntoView?.({ block: "start" });
}

/**
 * Copy the receipt code to the clipboard; without clipboard access (an older browser, a denied
 * permission) select it so the reporter can copy it themselves. Says which in
 * `#pf-copy-status`, made after the Copy button if the markup has none.
 * @param {HTMLElement} section `#pf-receipt`
 * @param {Lang} lang
 */
export async function copyReceipt(section, lang) {
  const code = section.querySelector("#pf-receipt-code");
  if (!code) {
    return;
  }
  let note = section.querySelector("#pf-copy-status");
  if (!note) {
    note = document.createElement("span");
    note.id = "pf-copy-status";
    note.className = "peluit-copy-status";
    note.setAttribute("role", "status");
    section.querySelector("#pf-copy")?.after(note);
  }
  try {
    await navigator.clipboard.writeText(code.textContent ?? "");
    note.textContent = t(lang, "copied");
  } catch {
    const range = document.createRange();
    range.selectNodeContents(code);
    const selection = window.getSelection();
    selection?.removeAllRanges();
    selection?.addRange(range);
    note.textContent = t(lang, "copy_manual");
  }
}

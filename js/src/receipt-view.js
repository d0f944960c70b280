// The receipt section of the page (`#pf-receipt`): shown once, after the case is filed, with
// the receipt code (in groups of four that never break across lines), the day it was received,
// the day the first answer is due, a Copy button and "save as text". Nothing of it is stored
// by the page; "save as text" is a download the person asks for, made here from a Blob.
import { formatDate, t } from "./messages.js";
import { addWorkingDays } from "./identity-rules.js";

/** @typedef {import("./messages.js").Lang} Lang */

/**
 * Put a code into `el` as its groups, each unbreakable, joined by dashes (the only places a
 * line may break); the element's text stays the code as written ("7K3M-Q9XD-…").
 * @param {Element} el
 * @param {string} code
 */
export function showCodeGroups(el, code) {
  const parts = [];
  for (const [n, group] of code.split("-").entries()) {
    if (n > 0) {
      parts.push("-");
    }
    const span = document.createElement("span");
    span.className = "peluit-code-group";
    span.textContent = group;
    parts.push(span);
  }
  el.replaceChildren(...parts);
}

/**
 * Fill in and show the receipt section, and move the focus there.
 * @param {HTMLElement} section `#pf-receipt` (its `data-due-days`: working days to the first answer)
 * @param {Lang} lang
 * @param {{receipt: string, acknowledgedOn: string}} result
 * @param {ReadonlyArray<string>} holidays the organisation's holidays, for the due date
 */
export function showReceipt(section, lang, result, holidays) {
  const put = (/** @type {string} */ id, /** @type {string} */ text) => {
    const el = section.querySelector(`#${id}`);
    if (el) {
      el.textContent = text;
    }
  };
  const code = section.querySelector("#pf-receipt-code");
  if (code) {
    showCodeGroups(code, result.receipt);
  }
  put("pf-date", formatDate(lang, result.acknowledgedOn));
  const due = addWorkingDays(result.acknowledgedOn, Number(section.dataset.dueDays), holidays);
  put("pf-due", due ? formatDate(lang, due) : "");
  const dueLine = /** @type {HTMLElement | null} */ (section.querySelector("#pf-due-line"));
  if (dueLine) {
    dueLine.hidden = !due;
  }
  section.hidden = false;
  section.setAttribute("tabindex", "-1");
  section.focus();
  section.scrollIntoView?.({ block: "start" });
}

/**
 * The receipt as plain text: its heading, the code, the dates and the follow-up page's address.
 * @param {HTMLElement} section `#pf-receipt`, shown
 */
export function receiptText(section) {
  const text = (/** @type {string} */ selector) =>
    (section.querySelector(selector)?.textContent ?? "").replace(/\s+/g, " ").trim();
  const link = /** @type {HTMLAnchorElement | null} */ (section.querySelector("#pf-followup"));
  return [
    text("h2"),
    "",
    text("#pf-receipt-code"),
    "",
    text("#pf-received"),
    text("#pf-followup-line"),
    link ? link.href : "",
    "",
  ].join("\r\n");
}

/**
 * Offer the receipt as a small text file, made in the browser (nothing is sent).
 * @param {HTMLElement} section `#pf-receipt`
 * @param {Lang} lang
 */
export function saveReceipt(section, lang) {
  const url = URL.createObjectURL(new Blob([receiptText(section)], { type: "text/plain;charset=utf-8" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = t(lang, "saved_file");
  a.hidden = true;
  section.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
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

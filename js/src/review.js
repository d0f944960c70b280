// The "check again" view (`#pf-review`, peluit/site/forms.py): before anything is sent, every
// answer the report will carry is listed with its question, then the identity choice and the
// files. Built with textContent only: nothing the reporter typed is parsed as HTML.
import { formatBytes, formatDate, t } from "./messages.js";

/** @typedef {import("./messages.js").Lang} Lang */
/** @typedef {{label: string, value: string | string[]}} Entry */

/**
 * A question's label without its required mark.
 * @param {Element | null} label
 */
function labelText(label) {
  const copy = /** @type {Element | null} */ (label?.cloneNode(true) ?? null);
  copy?.querySelector(".peluit-required")?.remove();
  return (copy?.textContent ?? "").trim();
}

/**
 * What the reporter sees in the review: each shown question (hidden sections are not sent and
 * not listed) with its answer as written, the identity choice, and the files.
 * @param {HTMLFormElement} form
 * @param {Lang} lang
 * @param {ReadonlyArray<Blob & {name: string}>} files
 * @returns {Entry[]}
 */
export function reviewEntries(form, lang, files) {
  /** @type {Entry[]} */
  const entries = [];
  for (const section of form.querySelectorAll("fieldset.peluit-section")) {
    if (/** @type {HTMLFieldSetElement} */ (section).hidden || section.getAttribute("data-section") === "files") {
      continue;
    }
    if (section.getAttribute("data-section") === "identity-choice") {
      const chosen = section.querySelector("input:checked");
      const label = chosen ? section.querySelector(`label[for="${CSS.escape(chosen.id)}"]`) : null;
      entries.push({ label: section.querySelector("legend")?.textContent ?? "", value: labelText(label) || t(lang, "review_empty") });
      continue;
    }
    for (const field of section.querySelectorAll(".peluit-field")) {
      const control = field.querySelector("input, textarea, select");
      let value = "";
      if (control instanceof HTMLInputElement && control.type === "checkbox") {
        value = t(lang, control.checked ? "review_yes" : "review_no");
      } else if (control instanceof HTMLSelectElement) {
        value = control.value ? (control.selectedOptions[0]?.textContent ?? "") : "";
      } else if (control instanceof HTMLInputElement && control.type === "date") {
        value = control.value ? formatDate(lang, control.value) : "";
      } else if (control instanceof HTMLInputElement || control instanceof HTMLTextAreaElement) {
        value = control.value.trim();
      }
      entries.push({ label: labelText(field.querySelector("label")), value: value || t(lang, "review_empty") });
    }
  }
  const filesSection = form.querySelector('[data-section="files"]');
  if (filesSection && !(/** @type {HTMLElement} */ (filesSection).hidden)) {
    entries.push({
      label: filesSection.querySelector("legend")?.textContent ?? "",
      value: files.length ? files.map((f) => `${f.name} (${formatBytes(lang, f.size)})`) : t(lang, "review_no_files"),
    });
  }
  return entries;
}

/**
 * Fill the review list.
 * @param {HTMLElement} list `#pf-review-list` (a `dl`)
 * @param {Entry[]} entries
 */
export function showReview(list, entries) {
  list.replaceChildren(
    ...entries.flatMap(({ label, value }) => {
      const dt = document.createElement("dt");
      dt.textContent = label;
      const dd = document.createElement("dd");
      if (Array.isArray(value)) {
        const ul = document.createElement("ul");
        ul.append(
          ...value.map((v) => {
            const li = document.createElement("li");
            li.textContent = v;
            return li;
          }),
        );
        dd.append(ul);
      } else {
        dd.textContent = value;
      }
      return [dt, dd];
    }),
  );
}

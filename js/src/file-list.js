// The files the reporter adds to a report: choosing again adds and never replaces, the same file
// chosen twice is kept once (`mergeFiles`), and each has a row with its name, size, a remove
// button, a progress bar and a state (progress-view.js fills the last two while sending);
// what is wrong with them (too many, too large) is said at once.
import { hideError, showError } from "./field-errors.js";
import { formatBytes, t } from "./messages.js";
import { fileProblems } from "./validate.js";

/** @typedef {import("./messages.js").Lang} Lang */
/** @typedef {Blob & {name: string}} NamedBlob */

/** @param {NamedBlob & {lastModified?: number}} file */
const fileKey = (file) => `${file.name}\u0000${file.size}\u0000${file.lastModified ?? ""}`;

/**
 * `files` with the newly `chosen` ones after them, each file once.
 * @param {ReadonlyArray<NamedBlob>} files
 * @param {Iterable<NamedBlob>} chosen
 * @returns {NamedBlob[]}
 */
export function mergeFiles(files, chosen) {
  const known = new Set(files.map(fileKey));
  const merged = [...files];
  for (const file of chosen) {
    if (!known.has(fileKey(file))) {
      known.add(fileKey(file));
      merged.push(file);
    }
  }
  return merged;
}

/**
 * One row per file in `list` (text only: a name is never parsed as HTML).
 * @param {HTMLElement} list
 * @param {ReadonlyArray<NamedBlob>} files
 * @param {Lang} lang
 * @param {(n: number) => void} onRemove the reporter removes file `n`
 */
export function renderFileList(list, files, lang, onRemove) {
  const doc = list.ownerDocument;
  list.replaceChildren(
    ...files.map((file, n) => {
      const row = doc.createElement("li");
      row.dataset.file = String(n);
      const name = doc.createElement("span");
      name.className = "peluit-file-name";
      name.textContent = file.name;
      const size = doc.createElement("span");
      size.className = "peluit-file-size";
      size.textContent = formatBytes(lang, file.size);
      const bar = doc.createElement("progress");
      bar.max = 100;
      bar.value = 0;
      const state = doc.createElement("span");
      state.className = "peluit-file-status";
      const remove = doc.createElement("button");
      remove.type = "button";
      remove.className = "md-button peluit-file-remove";
      remove.textContent = t(lang, "file_remove");
      remove.setAttribute("aria-label", t(lang, "file_remove_label", { name: file.name }));
      remove.addEventListener("click", () => onRemove(n));
      row.append(name, " ", size, " ", remove, bar, " ", state);
      return row;
    }),
  );
}

/**
 * The file input (`#pf-files`), the list of chosen files under it and what is wrong with them,
 * said at once in the files' section.
 */
export class FilePicker {
  /**
   * @param {Lang} lang
   * @param {HTMLInputElement | null} input
   * @param {HTMLElement | null} list
   * @param {Promise<import("./validate.js").Limits>} limits the channel's, once known
   */
  constructor(lang, input, list, limits) {
    this.lang = lang;
    this.input = input;
    this.list = list;
    this.limits = limits;
    limits.catch(() => {}); // the page says so once (config_failed)
    /** @type {NamedBlob[]} */
    this.files = [];
  }

  /**
   * Add what was just chosen, then empty the input so that the same file can be chosen again
   * after it was removed.
   */
  add() {
    this.files = mergeFiles(this.files, Array.from(this.input?.files ?? []));
    if (this.input) {
      this.input.value = "";
    }
    this.show();
  }

  /** @param {number} n the file to take off the list; the focus moves to the next one */
  remove(n) {
    this.files.splice(n, 1);
    this.show();
    const buttons = this.list?.querySelectorAll("button") ?? [];
    /** @type {HTMLElement | null} */ (buttons[Math.min(n, buttons.length - 1)] ?? this.input)?.focus();
  }

  /** Rebuild the list from `files`, and say what is wrong with them. */
  show() {
    if (!this.list) {
      return;
    }
    renderFileList(this.list, this.files, this.lang, (n) => this.remove(n));
    this.limits.then(
      (limits) => this.check(limits),
      () => {},
    );
  }

  /**
   * Say what is wrong with the files, in their section.
   * @param {import("./validate.js").Limits} limits
   * @returns {boolean} whether the files are fine
   */
  check(limits) {
    const problems = fileProblems(this.files, limits, (b) => formatBytes(this.lang, b));
    const section = this.input?.closest(".peluit-section");
    if (section && problems.length === 0) {
      hideError(section);
    } else if (section) {
      showError(section, problems.map((p) => t(this.lang, p.key, p.params)).join(" "));
    }
    return problems.length === 0;
  }

  /** The report is filed: the list is emptied. */
  clear() {
    this.files = [];
    this.list?.replaceChildren();
  }
}

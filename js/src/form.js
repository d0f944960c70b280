// The page entry (bundled to assets/peluit/form.js): makes the report form of
// docs/site-and-form.md interactive. It reads the markup and channels.json, shows the identity
// section when the reporter chooses to give an identity (with the consents to a reward and to
// public recognition, which need one: identity-rules.js), shows a date question's deadlines,
// validates in the page's language, counts characters (counter.js: nothing is ever cut), keeps
// a list of files the reporter adds and removes, shows everything once more before sending
// (review.js), runs the submission in a Web Worker (worker.js) and shows the receipt once
// (receipt-view.js). Enter in a one-line answer never sends; the browser asks before the page
// is left while it holds answers, while sending, and until the reporter ticks that the receipt
// code is saved. Links in the page's text open in a new tab, so reading them loses nothing.
//
// Nothing is written to cookies, localStorage, sessionStorage or IndexedDB; no inline style
// is set (only `hidden`, `disabled` and classes); no text from the reporter or the server is
// ever parsed as HTML.
import { canEncryptHere } from "./support.js";
import { formatBytes, formatDate, pick, t } from "./messages.js";
import { copyReceipt, saveReceipt, showReceipt } from "./receipt-view.js";
import { attachCounters } from "./counter.js";
import { reviewEntries, showReview } from "./review.js";
import { fieldValue, fileProblems, identityChoice } from "./validate.js";
import { deadlinesFrom, identityGiven, identityProblems, nikDigits } from "./identity-rules.js";

/** @typedef {import("./messages.js").Lang} Lang */
/** @typedef {import("./validate.js").FieldSpec} FieldSpec */
/** @typedef {import("./validate.js").Problem} Problem */
/**
 * @typedef {object} SiteConfig channels.json
 * @property {number} version
 * @property {string} api
 * @property {import("./validate.js").Limits} limits
 * @property {Record<string, import("./submit.js").ChannelSpec & {fields: RuleField[], deadlines?: Deadline[]}>} channels
 * @property {string[]} [holidays] the organisation's holidays ("YYYY-MM-DD"), for working days
 */
/** @typedef {import("./identity-rules.js").RuleField} RuleField */
/** @typedef {import("./identity-rules.js").DeadlineRule & {label: {id: string, en: string}}} Deadline */

const INVALID = "peluit-invalid";
const CANCEL_GRACE_MS = 10000;

/**
 * Load and check channels.json; revalidated, never served stale from the cache, because its
 * recipient keys decide who can read the report.
 * @param {URL} url
 * @param {string} channel
 * @returns {Promise<SiteConfig>}
 */
async function loadConfig(url, channel) {
  const response = await fetch(url, { cache: "no-cache", credentials: "same-origin" });
  if (!response.ok) {
    throw new Error(`channels.json: HTTP ${response.status}`);
  }
  const config = await response.json();
  const spec = config?.channels?.[channel];
  const limits = config?.limits;
  if (
    config?.version !== 1 ||
    typeof config.api !== "string" ||
    !spec ||
    !Array.isArray(spec.fields) ||
    !Array.isArray(spec.report_recipients) ||
    !limits ||
    !["report_max_bytes", "file_max_bytes", "files_per_report", "total_max_bytes", "segment_bytes"].every(
      (k) => Number.isSafeInteger(limits[k]) && limits[k] >= 0,
    )
  ) {
    throw new Error("channels.json: not what this script understands");
  }
  return config;
}


/**
 * @template {Element} T
 * @param {ParentNode} root
 * @param {string} selector
 * @returns {T | null}
 */
function find(root, selector) {
  return /** @type {T | null} */ (root.querySelector(selector));
}

/**
 * Find an error element in `container`, or make one (for markup that has none).
 * @param {Element} container
 */
function errorElement(container) {
  /** @type {HTMLElement | null} */
  const found = find(container, ":scope > .peluit-error");
  if (found) {
    return found;
  }
  const el = document.createElement("p");
  el.className = "peluit-error";
  el.setAttribute("role", "alert");
  el.hidden = true;
  container.append(el);
  return el;
}

class ReportForm {
  /** @param {HTMLFormElement} form */
  constructor(form) {
    this.form = form;
    /** @type {Lang} */
    this.lang = form.dataset.lang === "en" ? "en" : "id";
    this.channel = form.dataset.channel ?? "";
    this.configUrl = new URL(form.dataset.config ?? "../assets/peluit/channels.json", document.baseURI);
    this.workerUrl = new URL(form.dataset.worker ?? "../assets/peluit/worker.js", document.baseURI);
    const el = (/** @type {string} */ id) => /** @type {HTMLElement} */ (find(form, `#${id}`));
    this.submitButton = /** @type {HTMLButtonElement} */ (el("pf-submit"));
    this.cancelButton = /** @type {HTMLButtonElement} */ (el("pf-cancel"));
    /** @type {HTMLButtonElement | null} */
    this.retryButton = find(form, "#pf-retry");
    this.progressBox = el("pf-progress");
    this.progressTotal = /** @type {HTMLProgressElement} */ (el("pf-progress-total"));
    this.status = el("pf-status");
    this.formError = el("pf-form-error");
    this.fileInput = /** @type {HTMLInputElement} */ (el("pf-files"));
    this.fileList = el("pf-file-list");
    /** @type {HTMLElement | null} */
    this.review = find(form, "#pf-review");
    /** @type {HTMLInputElement | null} */
    this.savedBox = null;
    /** @type {() => void} */
    this.updateCounters = () => {};
    /** @type {HTMLElement | null} */
    this.identitySection = find(form, '[data-section="identity"]');
    /** @type {HTMLElement | null} */
    this.choiceSection = find(form, '[data-section="identity-choice"]');
    /** @type {HTMLFieldSetElement | null} the consents to a reward and to public recognition */
    this.consentSection = find(form, '[data-section="consents"]');
    this.receipt = document.getElementById("pf-receipt");
    /** @type {Worker | null} the running attempt's worker */
    this.worker = null;
    /** @type {Worker | null} an idle worker, loaded ahead for the first attempt */
    this.spare = null;
    this.finalizing = false;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.cancelTimer = undefined;
    /** @type {Array<Blob & {name: string}>} */
    this.files = [];
    this.onLeave = (/** @type {BeforeUnloadEvent} */ event) => {
      if (this.mustWarn()) {
        event.preventDefault();
        event.returnValue = "";
      }
    };
    /** @type {Promise<SiteConfig>} */
    this.config = loadConfig(this.configUrl, this.channel);
    this.config.catch(() => this.fail(t(this.lang, "config_failed"), true));
  }

  start() {
    if (!canEncryptHere()) {
      this.fail(t(this.lang, "unsupported"), true);
      return;
    }
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.showReview();
    });
    // Enter (a phone's "go") in a one-line answer would submit the form: it does nothing (on
    // the file input it still opens the file chooser).
    this.form.addEventListener("keydown", (event) => {
      const target = event.target;
      if (event.key === "Enter" && target instanceof HTMLInputElement && !["submit", "button", "file"].includes(target.type)) {
        event.preventDefault();
      }
    });
    find(this.form, "#pf-send")?.addEventListener("click", () => this.submit());
    find(this.form, "#pf-edit")?.addEventListener("click", () => this.edit());
    window.addEventListener("beforeunload", this.onLeave);
    this.updateCounters = attachCounters(this.form, this.lang);
    this.linksInNewTab();
    this.form.addEventListener("change", (event) => this.changed(/** @type {Element} */ (event.target)));
    this.form.addEventListener("input", (event) => this.clearError(/** @type {Element} */ (event.target)));
    this.cancelButton?.addEventListener("click", () => this.cancel());
    this.retryButton?.addEventListener("click", () => this.finalizeAgain());
    const receipt = this.receipt;
    if (receipt) {
      find(receipt, "#pf-copy")?.addEventListener("click", () => copyReceipt(receipt, this.lang));
      find(receipt, "#pf-save")?.addEventListener("click", () => saveReceipt(receipt, this.lang));
      this.savedBox = find(receipt, "#pf-saved");
    }
    this.showIdentity();
    this.listFiles();
    for (const list of this.form.querySelectorAll("[data-deadlines-for]")) {
      this.showDeadlines(/** @type {HTMLElement} */ (list));
    }
    // The markup ships the submit button disabled: without this script a plain HTML
    // submission would carry the report unencrypted. Enable it once the channel is known.
    this.config.then(() => {
      if (this.submitButton && !this.worker) {
        this.submitButton.disabled = false;
      }
    }, () => {});
    // Start the first attempt's worker now, alongside the channel's keys: it downloads and
    // compiles while the person writes, so pressing "send" on a slow link does not wait for
    // 46 KB. It holds nothing until it is sent the report; if it fails to load, the attempt
    // starts another.
    this.spare = this.spawn();
  }

  // -- the form while it is being filled in --------------------------------------------------

  /**
   * Whether leaving the page now would lose something: answers typed, a report being sent, or
   * a receipt code not yet ticked as saved.
   */
  mustWarn() {
    if (this.worker) {
      return true;
    }
    if (this.receipt && !this.receipt.hidden) {
      return !this.savedBox?.checked;
    }
    return (
      this.files.length > 0 ||
      Array.from(this.form.querySelectorAll("input, textarea, select")).some((c) =>
        c instanceof HTMLInputElement && (c.type === "checkbox" || c.type === "radio" || c.type === "file")
          ? false
          : /** @type {HTMLInputElement} */ (c).value.trim() !== "",
      )
    );
  }

  /** The guidance links around the form open in a new tab, where reading them loses nothing. */
  linksInNewTab() {
    const article = this.form.closest("article") ?? this.form.parentElement;
    for (const a of article?.querySelectorAll("a[href]") ?? []) {
      const link = /** @type {HTMLAnchorElement} */ (a);
      if (link.getAttribute("href")?.startsWith("#") || this.receipt?.contains(link)) {
        continue;
      }
      link.target = "_blank";
      link.rel = "noopener";
      const note = document.createElement("span");
      note.className = "peluit-sr-only";
      note.textContent = t(this.lang, "new_tab");
      link.append(note);
    }
  }

  /** @returns {string | null} the chosen identity_choice, if any */
  chosenIdentity() {
    const checked = find(this.form, 'input[name="identity_choice"]:checked');
    return checked ? /** @type {HTMLInputElement} */ (checked).value : null;
  }

  /** @returns {HTMLInputElement[]} the consent checkboxes */
  consentBoxes() {
    return this.consentSection ? Array.from(this.consentSection.querySelectorAll('input[type="checkbox"]')) : [];
  }

  /**
   * The identity questions show only with a non-anonymous choice; so do the consents, which
   * need one. A consent ticked before the reporter chose "anonymous" stays in view, with the
   * reason it cannot be kept, until it is unticked: it is never dropped unseen.
   */
  showIdentity() {
    const given = identityGiven(this.chosenIdentity());
    if (this.identitySection) {
      this.identitySection.hidden = !given;
    }
    const section = this.consentSection;
    if (section) {
      const ticked = this.consentBoxes().filter((box) => box.checked);
      const shown = given || ticked.length > 0;
      section.hidden = !shown;
      section.disabled = !shown;
      for (const box of this.consentBoxes()) {
        const holder = box.closest(".peluit-field");
        if (!holder) {
          continue;
        }
        if (!given && box.checked) {
          this.showError(errorElement(holder), holder, t(this.lang, "consent_needs_identity"));
        } else if (holder.classList.contains(INVALID) && (given || !box.checked)) {
          this.hideError(errorElement(holder), holder);
        }
      }
    }
  }

  /**
   * Fill a date question's deadline list from the date entered (empty without one).
   * @param {HTMLElement} list `[data-deadlines-for=FIELD]`
   */
  showDeadlines(list) {
    const field = list.dataset.deadlinesFor ?? "";
    const input = find(this.form, `#pf-${CSS.escape(field)}`);
    const value = input instanceof HTMLInputElement ? input.value : "";
    this.config.then(
      (config) => {
        const rules = config.channels[this.channel]?.deadlines ?? [];
        const now = new Date(); // the person's own calendar day
        const today = [now.getFullYear(), now.getMonth() + 1, now.getDate()]
          .map((n, i) => String(n).padStart(i ? 2 : 4, "0"))
          .join("-");
        list.replaceChildren(
          ...deadlinesFrom(rules, field, value, config.holidays ?? []).map(({ rule, due }) => {
            const item = document.createElement("li");
            item.textContent = t(this.lang, due < today ? "deadline_passed" : "deadline", {
              date: formatDate(this.lang, due),
              label: pick(this.lang, rule.label),
              days: rule.working_days,
            });
            return item;
          }),
        );
      },
      () => {},
    );
  }

  /** @param {Element} target */
  changed(target) {
    if (target instanceof HTMLInputElement && target.name === "identity_choice") {
      this.showIdentity();
      if (this.choiceSection) {
        this.hideError(errorElement(this.choiceSection), this.choiceSection);
      }
    } else if (target === this.fileInput) {
      this.addFiles();
    } else {
      this.clearError(target);
      if (target instanceof HTMLInputElement && target.closest('[data-section="consents"]')) {
        this.showIdentity();
      }
    }
    const deadlines = target.closest?.(".peluit-field")?.querySelector("[data-deadlines-for]");
    if (deadlines) {
      this.showDeadlines(/** @type {HTMLElement} */ (deadlines));
    }
  }

  /**
   * Add what was just chosen to the list (choosing again adds, never replaces; the same file
   * twice is kept once), then empty the input so that the same file can be chosen again
   * after it was removed.
   */
  addFiles() {
    const key = (/** @type {File} */ f) => `${f.name}\u0000${f.size}\u0000${f.lastModified}`;
    const known = new Set(this.files.map((f) => key(/** @type {File} */ (f))));
    for (const file of Array.from(this.fileInput?.files ?? [])) {
      if (!known.has(key(file))) {
        known.add(key(file));
        this.files.push(file);
      }
    }
    if (this.fileInput) {
      this.fileInput.value = "";
    }
    this.listFiles();
  }

  /** @param {number} n the file to take off the list */
  removeFile(n) {
    this.files.splice(n, 1);
    this.listFiles();
    const buttons = this.fileList?.querySelectorAll("button") ?? [];
    /** @type {HTMLElement | null} */ (buttons[Math.min(n, buttons.length - 1)] ?? this.fileInput)?.focus();
  }

  /** Rebuild the file list from `this.files`, and say at once what is wrong with it. */
  listFiles() {
    if (!this.fileList) {
      return;
    }
    this.fileList.replaceChildren(
      ...this.files.map((file, n) => {
        const row = document.createElement("li");
        row.dataset.file = String(n);
        const name = document.createElement("span");
        name.className = "peluit-file-name";
        name.textContent = file.name;
        const size = document.createElement("span");
        size.className = "peluit-file-size";
        size.textContent = formatBytes(this.lang, file.size);
        const bar = document.createElement("progress");
        bar.max = 100;
        bar.value = 0;
        const state = document.createElement("span");
        state.className = "peluit-file-status";
        const remove = document.createElement("button");
        remove.type = "button";
        remove.className = "md-button peluit-file-remove";
        remove.textContent = t(this.lang, "file_remove");
        remove.setAttribute("aria-label", t(this.lang, "file_remove_label", { name: file.name }));
        remove.addEventListener("click", () => this.removeFile(n));
        row.append(name, " ", size, " ", remove, bar, " ", state);
        return row;
      }),
    );
    this.config.then(
      (config) => this.showFileProblems(fileProblems(this.files, config.limits, (b) => formatBytes(this.lang, b))),
      () => {},
    );
  }

  /** @param {Problem[]} problems */
  showFileProblems(problems) {
    const section = this.fileInput?.closest(".peluit-section");
    if (!section) {
      return;
    }
    const el = errorElement(section);
    if (problems.length === 0) {
      this.hideError(el, section);
    } else {
      this.showError(el, section, problems.map((p) => t(this.lang, p.key, p.params)).join(" "));
    }
  }

  // -- errors ------------------------------------------------------------------------------

  /**
   * @param {HTMLElement} el
   * @param {Element} holder the field or section that is invalid
   * @param {string} text
   */
  showError(el, holder, text) {
    el.textContent = text;
    el.hidden = false;
    holder.classList.add(INVALID);
    for (const control of holder.querySelectorAll("input, textarea, select")) {
      control.setAttribute("aria-invalid", "true");
    }
  }

  /**
   * @param {HTMLElement} el
   * @param {Element} holder
   */
  hideError(el, holder) {
    el.textContent = "";
    el.hidden = true;
    holder.classList.remove(INVALID);
    for (const control of holder.querySelectorAll("[aria-invalid]")) {
      control.removeAttribute("aria-invalid");
    }
  }

  /** @param {Element} target a control the reporter just changed */
  clearError(target) {
    const field = target.closest?.(".peluit-field");
    if (field?.classList.contains(INVALID)) {
      this.hideError(errorElement(field), field);
    }
  }

  /**
   * Show a message under the form (`#pf-form-error`); with `fatal`, the form cannot be sent.
   * @param {string} text
   * @param {boolean} [fatal]
   */
  fail(text, fatal = false) {
    if (this.formError) {
      this.formError.textContent = text;
      this.formError.hidden = false;
    }
    if (fatal && this.submitButton) {
      this.submitButton.disabled = true;
    }
  }

  // -- validation ------------------------------------------------------------------------

  /**
   * Read and check every field; mark the invalid ones. Returns the values, or null.
   * @param {SiteConfig} config
   */
  collect(config) {
    const spec = config.channels[this.channel];
    /** @type {HTMLElement[]} */
    const invalid = [];
    const choice = identityChoice(spec.identity, this.chosenIdentity());
    if (this.choiceSection) {
      const el = errorElement(this.choiceSection);
      if (choice.problem) {
        this.showError(el, this.choiceSection, t(this.lang, choice.problem.key));
        invalid.push(/** @type {HTMLElement} */ (find(this.choiceSection, "input") ?? this.choiceSection));
      } else {
        this.hideError(el, this.choiceSection);
      }
    }
    const withIdentity = identityGiven(choice.choice);
    /** @type {import("./report.js").Answers} */
    const answers = {};
    /** @type {import("./report.js").Answers} */
    const identity = {};
    /** @type {import("./report.js").Answers} what an anonymous reporter left ticked, to refuse it */
    const consents = {};
    /** @type {Map<string, {holder: Element | null, control: Element | null}>} */
    const controls = new Map();
    for (const field of spec.fields) {
      if (field.identity && !withIdentity) {
        continue; // an anonymous reporter's identity fields are neither checked nor sent
      }
      const holder = find(this.form, `.peluit-field[data-field="${CSS.escape(field.id)}"]`);
      const control = holder ? find(holder, "input, textarea, select") : null;
      let raw = null;
      /** @type {string[] | undefined} */
      let allowed;
      if (control instanceof HTMLInputElement && control.type === "checkbox") {
        raw = control.checked;
      } else if (control instanceof HTMLSelectElement) {
        raw = control.value;
        allowed = Array.from(control.options, (o) => o.value).filter((v) => v !== "");
      } else if (control instanceof HTMLInputElement || control instanceof HTMLTextAreaElement) {
        raw = control.value;
      }
      controls.set(field.id, { holder, control });
      const { value, problem } = fieldValue(field, raw, allowed);
      if (field.purpose === "consent" && !withIdentity) {
        consents[field.id] = value; // checked below; an anonymous reporter's consents are not sent
        continue;
      }
      if (holder) {
        const el = errorElement(holder);
        if (problem) {
          this.showError(el, holder, t(this.lang, problem.key, problem.params));
          invalid.push(/** @type {HTMLElement} */ (control ?? holder));
        } else {
          this.hideError(el, holder);
        }
      } else if (problem) {
        invalid.push(this.submitButton); // markup and configuration disagree: refuse
      }
      (field.identity ? identity : answers)[field.id] = value;
    }
    for (const problem of identityProblems(spec.fields, choice.choice, { ...answers, ...consents }, identity)) {
      const { holder, control } = controls.get(problem.field) ?? { holder: null, control: null };
      if (!holder) {
        invalid.push(this.submitButton);
      } else if (!invalid.includes(/** @type {HTMLElement} */ (control ?? holder))) {
        // (a field whose own check failed keeps that message)
        this.showError(errorElement(holder), holder, t(this.lang, problem.key, problem.params));
        invalid.push(/** @type {HTMLElement} */ (control ?? holder));
      }
    }
    for (const field of spec.fields) {
      const value = identity[field.id];
      if (field.purpose === "nik" && typeof value === "string") {
        identity[field.id] = nikDigits(value) ?? value; // sent as its 16 digits
      }
    }
    const problems = fileProblems(this.files, config.limits, (b) => formatBytes(this.lang, b));
    this.showFileProblems(problems);
    if (problems.length > 0 && this.fileInput) {
      invalid.push(this.fileInput);
    }
    if (invalid.length > 0 || choice.choice === null) {
      this.fail(t(this.lang, "check_fields"));
      invalid[0]?.focus();
      return null;
    }
    return {
      spec,
      answers,
      identityChoice: choice.choice,
      identity: withIdentity ? identity : null,
    };
  }

  // -- checking again, then sending ----------------------------------------------------------

  /** @param {boolean} on the review in place of the questions */
  reviewing(on) {
    for (const section of this.form.querySelectorAll("fieldset.peluit-section")) {
      section.classList.toggle("peluit-reviewed", on);
    }
    if (this.review) {
      this.review.hidden = !on;
    }
    if (this.submitButton) {
      this.submitButton.hidden = on;
    }
  }

  /** Check every answer; if all is well, show them once more with "edit" and "send". */
  async showReview() {
    if (this.worker) {
      return;
    }
    if (this.formError) {
      this.formError.hidden = true;
    }
    let config;
    try {
      config = await this.config;
    } catch {
      return; // already said so
    }
    if (!this.collect(config) || !this.review) {
      return;
    }
    showReview(/** @type {HTMLElement} */ (find(this.review, "#pf-review-list")), reviewEntries(this.form, this.lang, this.files));
    this.reviewing(true);
    /** @type {HTMLElement | null} */ (find(this.review, "h2"))?.focus();
    this.review.scrollIntoView?.({ block: "start" });
  }

  edit() {
    if (this.worker) {
      return;
    }
    this.reviewing(false);
    if (this.formError) {
      this.formError.hidden = true;
    }
    /** @type {HTMLElement | null} */ (find(this.form, "fieldset input, fieldset textarea, fieldset select"))?.focus();
  }

  async submit() {
    if (this.worker) {
      return;
    }
    if (this.formError) {
      this.formError.hidden = true;
    }
    let config;
    try {
      config = await this.config;
    } catch {
      return; // already said so
    }
    const values = this.collect(config);
    if (!values) {
      this.reviewing(false); // the marked fields are in view again
      return;
    }
    const { spec, ...rest } = values;
    const request = {
      channel: this.channel,
      spec: {
        identity: spec.identity,
        report_recipients: spec.report_recipients,
        identity_recipients: spec.identity_recipients ?? [],
      },
      limits: config.limits,
      lang: this.lang,
      files: this.files,
      ...rest,
    };
    this.busy(true);
    const spare = this.spare;
    this.spare = null;
    this.run({ type: "submit", api: config.api, request }, spare);
  }

  /**
   * Hand the submission to a worker: `spare` if there is one, else a new one. A spare that
   * fails before it has said anything (its script did not load: it was still loading on a
   * slow link when "send" was pressed) is replaced once by a new worker.
   * @param {{type: "submit", api: string, request: object}} message
   * @param {Worker | null} spare
   */
  run(message, spare) {
    const worker = spare ?? this.spawn();
    if (!worker) {
      this.failed({ key: "worker_failed" });
      return;
    }
    this.worker = worker;
    let heard = false;
    worker.onmessage = (event) => {
      heard = true;
      this.fromWorker(event.data);
    };
    worker.onerror = (event) => {
      event.preventDefault();
      if (this.worker !== worker) {
        return;
      }
      if (spare && !heard) {
        worker.terminate();
        this.run(message, null);
        return;
      }
      this.failed({ key: "worker_failed" });
    };
    worker.onmessageerror = () => this.failed({ key: "worker_failed" });
    worker.postMessage(message);
  }

  /**
   * A new, idle encryption worker; dropped if it fails to load before it is used.
   * @returns {Worker | null}
   */
  spawn() {
    let worker;
    try {
      worker = new Worker(this.workerUrl);
    } catch {
      return null;
    }
    worker.onerror = (event) => {
      event.preventDefault();
      if (this.spare === worker) {
        worker.terminate();
        this.spare = null;
      }
    };
    return worker;
  }

  /** @param {boolean} on */
  busy(on) {
    for (const fieldset of this.form.querySelectorAll("fieldset")) {
      fieldset.disabled = on;
    }
    for (const button of [this.submitButton, find(this.form, "#pf-send"), find(this.form, "#pf-edit")]) {
      if (button) {
        /** @type {HTMLButtonElement} */ (button).disabled = on;
      }
    }
    if (this.cancelButton) {
      this.cancelButton.hidden = !on;
      this.cancelButton.disabled = false;
    }
    if (this.retryButton) {
      this.retryButton.hidden = true;
    }
    if (this.progressBox) {
      this.progressBox.hidden = !on;
    }
    if (!on) {
      this.showIdentity(); // the consents stay disabled while they are hidden
    }
    if (on) {
      this.finalizing = false;
      this.setStatus(t(this.lang, "preparing"));
      this.progressTotal.value = 0;
      for (const row of this.rows()) {
        this.setRow(row, 0, t(this.lang, "file_waiting"));
      }
    }
  }

  /** @returns {HTMLElement[]} */
  rows() {
    return this.fileList ? Array.from(this.fileList.querySelectorAll("li[data-file]")) : [];
  }

  /**
   * @param {Element | undefined} row
   * @param {number | undefined} percent unchanged when undefined
   * @param {string} [state] unchanged when undefined
   */
  setRow(row, percent, state) {
    const bar = row?.querySelector("progress");
    if (bar && percent !== undefined) {
      bar.value = percent;
    }
    const label = row?.querySelector(".peluit-file-status");
    if (label && state !== undefined) {
      label.textContent = state;
    }
  }

  /** @param {string} text */
  setStatus(text) {
    if (this.status) {
      this.status.textContent = text;
    }
  }

  /** @param {any} message from the worker */
  fromWorker(message) {
    switch (message?.type) {
      case "event":
        this.progress(message.event);
        break;
      case "retry":
        this.setStatus(
          message.reason === "replan"
            ? t(this.lang, "replan")
            : t(this.lang, message.reason === "network" ? "retry_network" : "retry_server", {
                seconds: Math.max(1, Math.round(message.delayMs / 1000)),
              }),
        );
        break;
      case "done":
        this.done(message.result);
        break;
      case "cancelled":
        this.stopWorker();
        this.busy(false);
        this.fail(t(this.lang, "cancelled"));
        break;
      case "failed":
        this.failed(message.error);
        break;
      case "stalled":
        this.stalled();
        break;
      default:
        break;
    }
  }

  /** @param {import("./submit.js").SubmitEvent} event */
  progress(event) {
    const rows = this.rows();
    const withFiles = this.files.length > 0;
    if (event.type === "phase") {
      if (event.phase === "finalizing") {
        this.finalizing = true;
        if (this.cancelButton) {
          this.cancelButton.hidden = true; // too late to cancel: the case is being filed
        }
      }
      this.progressTotal.value = { preparing: 0, report: withFiles ? 95 : 40, finalizing: withFiles ? 98 : 80 }[
        event.phase
      ];
      this.setStatus(t(this.lang, event.phase));
    } else if (event.type === "segment") {
      const name = this.files[event.file]?.name ?? "";
      this.setStatus(t(this.lang, "uploading", { name, segment: event.segment, segments: event.segments }));
      this.setRow(rows[event.file], undefined, t(this.lang, "file_sending"));
    } else if (event.type === "progress") {
      const done = event.sent >= event.total;
      this.setRow(rows[event.file], Math.floor((100 * event.sent) / event.total), done ? t(this.lang, "file_done") : undefined);
      this.progressTotal.value = Math.floor((95 * event.overallSent) / event.overallTotal);
    }
  }

  /** @param {{key?: string, params?: Record<string, string | number>, messages?: {id: string, en: string}}} error */
  failed(error) {
    this.stopWorker();
    this.busy(false);
    this.fail(error?.messages ? pick(this.lang, error.messages) : t(this.lang, error?.key ?? "worker_failed", error?.params));
  }

  /**
   * Finalization failed after all its retries without an answer: the case may be filed. The
   * worker keeps the very same finalization (same submission, same receipt code) and sends it
   * again when the reporter asks; the page stays busy (and warns before being left).
   */
  stalled() {
    this.fail(t(this.lang, "finalize_unknown"));
    this.setStatus(t(this.lang, "finalize_stalled"));
    if (this.retryButton) {
      this.retryButton.hidden = false;
      this.retryButton.focus();
    }
  }

  finalizeAgain() {
    if (!this.worker || !this.retryButton || this.retryButton.hidden) {
      return;
    }
    this.retryButton.hidden = true;
    if (this.formError) {
      this.formError.hidden = true;
    }
    this.worker.postMessage({ type: "finalize-again" });
  }

  cancel() {
    if (!this.worker || this.finalizing) {
      return;
    }
    this.cancelButton.disabled = true;
    this.setStatus(t(this.lang, "cancelling"));
    this.worker.postMessage({ type: "cancel" });
    // The worker answers within moments; if it does not, stop it (it is not filing anything).
    this.cancelTimer = setTimeout(() => {
      if (this.worker && !this.finalizing) {
        this.fromWorker({ type: "cancelled" });
      }
    }, CANCEL_GRACE_MS);
  }

  stopWorker() {
    clearTimeout(this.cancelTimer);
    this.worker?.terminate();
    this.worker = null;
  }

  // -- the receipt -------------------------------------------------------------------------

  /** @param {import("./submit.js").SubmitResult} result */
  done(result) {
    this.stopWorker();
    this.progressTotal.value = 100;
    this.setStatus(t(this.lang, "done"));
    this.busy(false);
    // Clear everything the reporter entered, then show the receipt in its place.
    this.form.reset();
    this.files = [];
    this.fileList?.replaceChildren();
    find(this.form, "#pf-review-list")?.replaceChildren();
    this.reviewing(false);
    this.updateCounters();
    this.showIdentity();
    for (const list of this.form.querySelectorAll("[data-deadlines-for]")) {
      list.replaceChildren();
    }
    this.form.hidden = true;
    if (this.receipt) {
      this.config.then((config) => showReceipt(/** @type {HTMLElement} */ (this.receipt), this.lang, result, config.holidays ?? []));
    }
  }
}

function init() {
  const form = document.getElementById("peluit-form");
  if (form instanceof HTMLFormElement) {
    new ReportForm(form).start();
  }
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", init, { once: true });
} else {
  init();
}

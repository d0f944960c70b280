// The page entry (bundled to assets/peluit/form.js): makes the report form of
// docs/site-and-form.md interactive. It reads the markup and channels.json (site-config.js),
// shows the identity section when the reporter chooses to give an identity (identity-view.js),
// shows a date question's deadlines (deadline-list.js), validates in the page's language
// (form-answers.js, field-errors.js), counts characters (counter.js: nothing is ever cut), keeps
// a list of files the reporter adds and removes (file-list.js), shows everything once more
// before sending (review.js), runs the submission in a Web Worker (worker.js, through
// worker-slot.js), shows its progress (progress-view.js) and shows the receipt once
// (receipt-view.js). Enter in a one-line answer never sends; the browser asks before the page
// is left while it holds answers, while sending, and until the reporter ticks that the receipt
// code is saved. Links in the page's text open in a new tab, so reading them loses nothing.
//
// Nothing is written to cookies, localStorage, sessionStorage or IndexedDB; no inline style
// is set (only `hidden`, `disabled` and classes); no text from the reporter or the server is
// ever parsed as HTML.
import { canEncryptHere } from "./support.js";
import { t } from "./messages.js";
import { copyReceipt, saveReceipt, showReceipt } from "./receipt-view.js";
import { attachCounters } from "./counter.js";
import { reviewEntries, showReview } from "./review.js";
import { find } from "./dom.js";
import { clearError, hideError } from "./field-errors.js";
import { loadConfig } from "./site-config.js";
import { WorkerSlot } from "./worker-slot.js";
import { ProgressView } from "./progress-view.js";
import { Sending } from "./sending.js";
import { FilePicker } from "./file-list.js";
import { deadlineLines, localToday, showLines } from "./deadline-list.js";
import { showIdentity } from "./identity-view.js";
import { collectAnswers } from "./form-answers.js";

/** @typedef {import("./messages.js").Lang} Lang */
/** @typedef {import("./validate.js").Problem} Problem */
/** @typedef {import("./site-config.js").SiteConfig} SiteConfig */

class ReportForm {
  /** @param {HTMLFormElement} form */
  constructor(form) {
    this.form = form;
    /** @type {Lang} */
    this.lang = form.dataset.lang === "en" ? "en" : "id";
    this.channel = form.dataset.channel ?? "";
    const el = (/** @type {string} */ id) => /** @type {HTMLElement} */ (find(form, `#${id}`));
    this.submitButton = /** @type {HTMLButtonElement} */ (el("pf-submit"));
    this.cancelButton = /** @type {HTMLButtonElement} */ (el("pf-cancel"));
    /** @type {HTMLButtonElement | null} */
    this.retryButton = find(form, "#pf-retry");
    this.formError = el("pf-form-error");
    this.fileInput = /** @type {HTMLInputElement} */ (el("pf-files"));
    const fileList = el("pf-file-list");
    const progress = new ProgressView(this.lang, {
      box: el("pf-progress"),
      total: /** @type {HTMLProgressElement} */ (el("pf-progress-total")),
      status: el("pf-status"),
      fileList,
    });
    /** @type {HTMLElement | null} */
    this.review = find(form, "#pf-review");
    /** @type {HTMLInputElement | null} */
    this.savedBox = null;
    /** @type {() => void} */
    this.updateCounters = () => {};
    /** @type {HTMLElement | null} */
    this.choiceSection = find(form, '[data-section="identity-choice"]');
    this.receipt = document.getElementById("pf-receipt");
    this.worker = new WorkerSlot(new URL(form.dataset.worker ?? "../assets/peluit/worker.js", document.baseURI));
    this.sending = new Sending(
      this.lang,
      { worker: this.worker, progress, cancelButton: this.cancelButton, retryButton: this.retryButton },
      {
        filed: (result) => this.done(result),
        ended: (text) => {
          this.busy(false);
          this.fail(text);
        },
        stalled: (text) => this.fail(text),
      },
    );
    this.onLeave = (/** @type {BeforeUnloadEvent} */ event) => {
      if (this.mustWarn()) {
        event.preventDefault();
        event.returnValue = "";
      }
    };
    const configUrl = new URL(form.dataset.config ?? "../assets/peluit/channels.json", document.baseURI);
    /** @type {Promise<SiteConfig>} */
    this.config = loadConfig(configUrl, this.channel);
    this.config.catch(() => this.fail(t(this.lang, "config_failed"), true));
    this.picker = new FilePicker(this.lang, this.fileInput, fileList, this.config.then((config) => config.limits));
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
    this.form.addEventListener("input", (event) => clearError(/** @type {Element} */ (event.target)));
    this.cancelButton?.addEventListener("click", () => this.sending.cancel());
    this.retryButton?.addEventListener("click", () => {
      if (this.sending.finalizeAgain() && this.formError) {
        this.formError.hidden = true;
      }
    });
    const receipt = this.receipt;
    if (receipt) {
      find(receipt, "#pf-copy")?.addEventListener("click", () => copyReceipt(receipt, this.lang));
      find(receipt, "#pf-save")?.addEventListener("click", () => saveReceipt(receipt, this.lang));
      this.savedBox = find(receipt, "#pf-saved");
    }
    showIdentity(this.form, this.lang);
    this.picker.show();
    for (const list of this.form.querySelectorAll("[data-deadlines-for]")) {
      this.showDeadlines(/** @type {HTMLElement} */ (list));
    }
    // The markup ships the submit button disabled: without this script a plain HTML
    // submission would carry the report unencrypted. Enable it once the channel is known.
    this.config.then(() => {
      if (this.submitButton && !this.sending.running) {
        this.submitButton.disabled = false;
      }
    }, () => {});
    // Start the first attempt's worker now, alongside the channel's keys: it downloads and
    // compiles while the person writes, so pressing "send" on a slow link does not wait for
    // 46 KB. It holds nothing until it is sent the report; if it fails to load, the attempt
    // starts another.
    this.worker.prepare();
  }

  // -- the form while it is being filled in --------------------------------------------------

  /**
   * Whether leaving the page now would lose something: answers typed, a report being sent, or
   * a receipt code not yet ticked as saved.
   */
  mustWarn() {
    if (this.sending.running) {
      return true;
    }
    if (this.receipt && !this.receipt.hidden) {
      return !this.savedBox?.checked;
    }
    return (
      this.picker.files.length > 0 ||
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
        const today = localToday(new Date());
        showLines(list, deadlineLines(this.lang, { rules, field, value, holidays: config.holidays ?? [], today }));
      },
      () => {},
    );
  }

  /** @param {Element} target */
  changed(target) {
    if (target instanceof HTMLInputElement && target.name === "identity_choice") {
      showIdentity(this.form, this.lang);
      if (this.choiceSection) {
        hideError(this.choiceSection);
      }
    } else if (target === this.fileInput) {
      this.picker.add();
    } else {
      clearError(target);
      if (target instanceof HTMLInputElement && target.closest('[data-section="consents"]')) {
        showIdentity(this.form, this.lang);
      }
    }
    const deadlines = target.closest?.(".peluit-field")?.querySelector("[data-deadlines-for]");
    if (deadlines) {
      this.showDeadlines(/** @type {HTMLElement} */ (deadlines));
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

  /**
   * Read and check every field and the files; mark the invalid ones. Returns the values, or null.
   * @param {SiteConfig} config
   */
  collect(config) {
    const spec = config.channels[this.channel];
    const { choice, answers, identity, invalid } = collectAnswers(this.form, spec, this.lang, this.submitButton);
    if (!this.picker.check(config.limits) && this.fileInput) {
      invalid.push(this.fileInput);
    }
    if (invalid.length > 0 || choice === null) {
      this.fail(t(this.lang, "check_fields"));
      invalid[0]?.focus();
      return null;
    }
    return { spec, answers, identityChoice: choice, identity };
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

  /**
   * The channel's configuration and the checked answers, when nothing is being sent already
   * (`review` and `send` both start here); null once the reason is shown.
   */
  async checked() {
    if (this.sending.running) {
      return null;
    }
    if (this.formError) {
      this.formError.hidden = true;
    }
    let config;
    try {
      config = await this.config;
    } catch {
      return null; // already said so
    }
    const values = this.collect(config);
    return values ? { config, values } : null;
  }

  /** Check every answer; if all is well, show them once more with "edit" and "send". */
  async showReview() {
    if (!(await this.checked()) || !this.review) {
      return;
    }
    showReview(/** @type {HTMLElement} */ (find(this.review, "#pf-review-list")), reviewEntries(this.form, this.lang, this.picker.files));
    this.reviewing(true);
    /** @type {HTMLElement | null} */ (find(this.review, "h2"))?.focus();
    this.review.scrollIntoView?.({ block: "start" });
  }

  edit() {
    if (this.sending.running) {
      return;
    }
    this.reviewing(false);
    if (this.formError) {
      this.formError.hidden = true;
    }
    /** @type {HTMLElement | null} */ (find(this.form, "fieldset input, fieldset textarea, fieldset select"))?.focus();
  }

  async submit() {
    const checked = await this.checked();
    if (!checked) {
      if (!this.sending.running) {
        this.reviewing(false); // the marked fields are in view again
      }
      return;
    }
    const { config, values } = checked;
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
      files: this.picker.files,
      ...rest,
    };
    this.busy(true);
    this.sending.start({ type: "submit", api: config.api, request });
  }

  /** @param {boolean} on the questions and buttons are locked while a report is sent */
  busy(on) {
    for (const fieldset of this.form.querySelectorAll("fieldset")) {
      fieldset.disabled = on;
    }
    for (const button of [this.submitButton, find(this.form, "#pf-send"), find(this.form, "#pf-edit")]) {
      if (button) {
        /** @type {HTMLButtonElement} */ (button).disabled = on;
      }
    }
    if (!on) {
      showIdentity(this.form, this.lang); // the consents stay disabled while they are hidden
    }
  }

  // -- the receipt -------------------------------------------------------------------------

  /** @param {import("./submit.js").SubmitResult} result */
  done(result) {
    this.busy(false);
    // Clear everything the reporter entered, then show the receipt in its place.
    this.form.reset();
    this.picker.clear();
    find(this.form, "#pf-review-list")?.replaceChildren();
    this.reviewing(false);
    this.updateCounters();
    showIdentity(this.form, this.lang);
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

// The follow-up page entry (bundled to assets/peluit/followup.js): the reporter types or
// pastes the receipt code, the page checks its check character (receipt-text.js) before
// anything is sent, then a Web Worker (followup-worker.js) derives the keys, opens the case
// and decrypts the thread; the page shows it and sends the reporter's answer to the worker.
//
// Nothing is written to cookies, localStorage, sessionStorage or IndexedDB; no text from the
// reporter or the server is ever parsed as HTML. "Done" ends the worker, which forgets the
// token and the reply identity, and clears the page.
//
// channels.json is read by followup-config.js; a team's file is saved by saved-file.js.
import { attachCodeEntry } from "./code-entry.js";
import { loadConfig, replySigners } from "./followup-config.js";
import { canEncryptHere } from "./support.js";
import { formatBytes, formatDate, pick, t } from "./messages.js";
import { ReceiptCodeError, codeChars, parseCodeText } from "./receipt-text.js";
import { saveFile } from "./saved-file.js";
import { renderThread } from "./thread-view.js";
import { nextDeadline, showTimeline } from "./status-timeline.js";
import { fileProblems } from "./validate.js";
import { WorkerSlot } from "./worker-slot.js";

/** @typedef {import("./messages.js").Lang} Lang */
/** @typedef {import("./followup-client.js").CaseView} CaseView */

const FINAL = new Set(["selesai", "ditolak"]);
const INVALID = "peluit-invalid";

/**
 * @param {HTMLElement | null} el
 * @param {string} text
 */
function show(el, text) {
  if (el) {
    el.textContent = text;
    el.hidden = text === "";
  }
}

class FollowupPage {
  /** @param {HTMLElement} root `#peluit-followup` */
  constructor(root) {
    /** @type {Lang} */
    this.lang = root.dataset.lang === "en" ? "en" : "id";
    // The worker holds the keys while the case is open; "done" ends it (worker-slot.js).
    this.worker = new WorkerSlot(new URL(root.dataset.worker ?? "../assets/peluit/followup-worker.js", document.baseURI));
    const el = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
    this.openForm = /** @type {HTMLFormElement} */ (el("fu-open-form"));
    this.code = /** @type {HTMLInputElement} */ (el("fu-code"));
    this.codeField = /** @type {HTMLElement} */ (this.code.closest(".peluit-field"));
    this.codeError = el("fu-code-error");
    this.openButton = /** @type {HTMLButtonElement} */ (el("fu-open"));
    this.openStatus = el("fu-open-status");
    this.openError = el("fu-open-error");
    this.caseSection = el("fu-case");
    this.replyForm = /** @type {HTMLFormElement} */ (el("fu-reply-form"));
    this.text = /** @type {HTMLTextAreaElement} */ (el("fu-text"));
    this.files = /** @type {HTMLInputElement} */ (el("fu-files"));
    this.fileList = el("fu-file-list");
    this.sendButton = /** @type {HTMLButtonElement} */ (el("fu-send"));
    this.cancelButton = /** @type {HTMLButtonElement} */ (el("fu-cancel"));
    this.progress = el("fu-progress");
    this.progressBar = /** @type {HTMLProgressElement} */ (el("fu-progress-total"));
    this.progressStatus = el("fu-progress-status");
    this.replyError = el("fu-reply-error");
    this.replyDone = el("fu-reply-done");
    /** @type {HTMLButtonElement | null} */
    this.refreshButton = /** @type {HTMLButtonElement | null} */ (document.getElementById("fu-refresh"));
    /** @type {CaseView | null} */
    this.view = null;
    /** What this page sent in this session, by message number: shown instead of "sealed". */
    /** @type {Map<number, {text: string, files: string[]}>} */
    this.sent = new Map();
    /** @type {{text: string, files: string[]} | null} */
    this.pending = null;
    this.config = loadConfig(new URL(root.dataset.config ?? "../assets/peluit/channels.json", document.baseURI));
  }

  start() {
    if (!canEncryptHere()) {
      show(this.openError, t(this.lang, "unsupported"));
      return;
    }
    attachCodeEntry(this.code);
    this.code.addEventListener("input", () => this.codeProblem(""));
    this.openForm.addEventListener("submit", (event) => {
      event.preventDefault();
      this.open();
    });
    this.replyForm.addEventListener("submit", (event) => {
      event.preventDefault();
      this.send();
    });
    this.files.addEventListener("change", () => this.listFiles());
    this.cancelButton.addEventListener("click", () => this.worker.post({ type: "cancel" }));
    this.refreshButton?.addEventListener("click", () => this.worker.post({ type: "refresh" }));
    document.getElementById("fu-forget")?.addEventListener("click", () => this.forget());
    this.config.then(
      () => {
        this.openButton.disabled = false;
      },
      () => show(this.openError, t(this.lang, "config_failed")),
    );
  }

  // -- the code ------------------------------------------------------------------------

  /** @param {string} text empty to clear */
  codeProblem(text) {
    show(this.codeError, text);
    this.codeField.classList.toggle(INVALID, text !== "");
    if (text) {
      this.code.setAttribute("aria-invalid", "true");
    } else {
      this.code.removeAttribute("aria-invalid");
    }
  }

  async open() {
    if (this.worker.running) {
      return;
    }
    show(this.openError, "");
    try {
      await parseCodeText(this.code.value); // a typo is caught here, before any request
    } catch (err) {
      const reason = err instanceof ReceiptCodeError ? err.reason : "character";
      this.codeProblem(t(this.lang, `code_${reason}`, { n: codeChars(this.code.value).length }));
      this.code.focus();
      return;
    }
    let config;
    try {
      config = await this.config;
    } catch {
      return;
    }
    this.openButton.disabled = true;
    show(this.openStatus, t(this.lang, "opening"));
    // Who may sign the team's messages: from channels.json (covered by the signed release).
    const open = { type: "open", api: config.api, code: this.code.value, powBits: config.limits.pow_bits, replySigners: replySigners(config) };
    const failed = () => this.failed({ key: "followup_failed" });
    if (!this.worker.start(open, { onMessage: (message) => this.fromWorker(message), onFailure: failed })) {
      failed();
    }
  }

  // -- what the worker says ------------------------------------------------------------

  /** @param {any} message */
  fromWorker(message) {
    switch (message?.type) {
      case "case":
        // The worker holds the code now; it need not sit in the page any longer (a wrong
        // code keeps it in the field, so a typo can be corrected rather than retyped).
        this.code.value = "";
        this.showCase(message.view);
        break;
      case "sent":
        this.sentReply(message.result, message.view);
        break;
      case "file":
        this.saveFile(message);
        break;
      case "file_failed":
        show(document.getElementById("fu-file-status"), "");
        show(document.getElementById("fu-file-error"), message.error?.messages ? pick(this.lang, message.error.messages) : t(this.lang, message.error?.key ?? "followup_failed", message.error?.params));
        break;
      case "event":
        this.onEvent(message.event);
        break;
      case "retry":
        show(this.progressStatus, t(this.lang, message.reason === "network" ? "retry_network" : "retry_server", {
          seconds: Math.max(1, Math.round(message.delayMs / 1000)),
        }));
        break;
      case "failed":
        this.failed(message.error);
        break;
      default:
        break;
    }
  }

  /** @param {{key?: string, params?: Record<string, string | number>, messages?: {id: string, en: string}}} error */
  failed(error) {
    const text = error?.messages ? pick(this.lang, error.messages) : t(this.lang, error?.key ?? "followup_failed", error?.params);
    if (this.view) {
      this.busy(false);
      show(this.replyError, text);
      return;
    }
    // Not opened: nothing is kept; a new attempt starts a new worker.
    this.worker.stop();
    this.openButton.disabled = false;
    show(this.openStatus, "");
    show(this.openError, text);
    this.code.focus();
  }

  /** @param {CaseView} view */
  showCase(view) {
    this.view = view;
    show(this.openStatus, "");
    this.openForm.hidden = true;
    show(document.getElementById("fu-reference"), view.case);
    const known = ["diterima", "diverifikasi", "ditelaah", "diteruskan", "selesai", "ditolak"];
    show(document.getElementById("fu-status"), known.includes(view.status) ? t(this.lang, `status_${view.status}`) : t(this.lang, "status_other", { status: view.status }));
    show(document.getElementById("fu-since"), t(this.lang, "since", { date: formatDate(this.lang, view.since) }));
    this.config.then((config) => {
      const deadline = nextDeadline(view.status, view.since, config.channels[view.channel]?.sla, config.holidays ?? []);
      showTimeline(document.getElementById("fu-timeline"), document.getElementById("fu-next"), this.lang, view.status, deadline);
    }, () => {});
    renderThread(/** @type {HTMLElement} */ (document.getElementById("fu-thread")), this.lang, view.messages, this.sent, (seq, file, name) => this.download(seq, file, name));
    show(document.getElementById("fu-thread-empty"), view.messages.length === 0 ? t(this.lang, "thread_empty") : "");
    const closed = FINAL.has(view.status);
    this.replyForm.hidden = closed;
    const why = view.status === "ditolak" ? "closed_refused" : "closed_case";
    show(document.getElementById("fu-closed"), closed ? t(this.lang, why) : "");
    this.sendButton.disabled = closed || Boolean(this.pending);
    if (this.caseSection.hidden) {
      this.caseSection.hidden = false;
      this.caseSection.setAttribute("tabindex", "-1");
      this.caseSection.focus();
    }
  }

  // -- files from the review team ------------------------------------------------------

  /**
   * Ask the worker for a file: it fetches, checks and decrypts it, and hands back the bytes.
   * @param {number} seq
   * @param {number} file
   * @param {string} name
   */
  download(seq, file, name) {
    show(document.getElementById("fu-file-error"), "");
    show(document.getElementById("fu-file-status"), t(this.lang, "downloading_file", { name }));
    this.worker.post({ type: "download", seq, file });
  }

  /**
   * Save a checked, decrypted file through the browser's own download (no server involved).
   * @param {{name: string, mime: string, data: ArrayBuffer}} message
   */
  saveFile(message) {
    const name = saveFile(document, message);
    show(document.getElementById("fu-file-status"), t(this.lang, "file_saved", { name }));
  }

  // -- answering -----------------------------------------------------------------------

  listFiles() {
    const files = Array.from(this.files.files ?? []);
    this.fileList?.replaceChildren(
      ...files.map((file) => {
        const row = document.createElement("li");
        row.textContent = `${file.name} (${formatBytes(this.lang, file.size)})`;
        return row;
      }),
    );
    this.config.then((config) => {
      const problems = fileProblems(files, config.limits, (b) => formatBytes(this.lang, b));
      show(document.getElementById("fu-files-error"), problems.map((p) => t(this.lang, p.key, p.params)).join(" "));
    }, () => {});
  }

  async send() {
    const view = this.view;
    if (!view || !this.worker.running || this.pending) {
      return;
    }
    const config = await this.config;
    const spec = config.channels[view.channel];
    if (!spec) {
      show(this.replyError, t(this.lang, "config_failed"));
      return;
    }
    const files = Array.from(this.files.files ?? []);
    show(this.replyError, "");
    show(this.replyDone, "");
    this.pending = { text: this.text.value.trim(), files: files.map((f) => f.name) };
    this.busy(true);
    this.worker.post({
      type: "send",
      request: {
        channel: view.channel,
        spec: { report_recipients: spec.report_recipients },
        limits: config.limits,
        lang: this.lang,
        text: this.text.value,
        files,
      },
    });
  }

  /** @param {boolean} on */
  busy(on) {
    this.sendButton.disabled = on;
    // No refresh while a message goes out: a refresh that failed meanwhile would end the send's
    // progress on the page while the send carries on.
    if (this.refreshButton) {
      this.refreshButton.disabled = on;
    }
    this.cancelButton.hidden = !on;
    this.progress.hidden = !on;
    for (const fieldset of this.replyForm.querySelectorAll("fieldset")) {
      fieldset.disabled = on;
    }
    if (on) {
      this.progressBar.value = 0;
      show(this.progressStatus, t(this.lang, "preparing"));
    } else {
      this.pending = null;
    }
  }

  /** @param {any} event */
  onEvent(event) {
    if (event.type === "segment") {
      const name = this.pending?.files[event.file] ?? "";
      show(this.progressStatus, t(this.lang, "uploading", { name, segment: event.segment, segments: event.segments }));
    } else if (event.type === "progress") {
      this.progressBar.value = Math.floor((90 * event.overallSent) / Math.max(1, event.overallTotal));
    } else if (event.type === "phase") {
      this.cancelButton.hidden = true; // too late to cancel: the last request is going out
      this.progressBar.value = 95;
      show(this.progressStatus, t(this.lang, "message"));
    }
  }

  /**
   * @param {{seq: number, files: number[]}} result
   * @param {CaseView | null} view the case as read again after sending; null if that failed
   *   (the message was sent all the same)
   */
  sentReply(result, view) {
    if (this.pending) {
      this.sent.set(result.seq, this.pending);
    }
    this.busy(false);
    this.replyForm.reset();
    this.fileList?.replaceChildren();
    show(this.replyDone, t(this.lang, view ? "reply_sent" : "reply_sent_stale"));
    if (view) {
      this.showCase(view);
    }
  }

  /** End the session: the worker (and the keys it holds) goes, the page is cleared. */
  forget() {
    this.worker.stop();
    this.view = null;
    this.sent.clear();
    this.pending = null;
    this.replyForm.reset();
    this.fileList?.replaceChildren();
    document.getElementById("fu-thread")?.replaceChildren();
    show(this.replyDone, "");
    show(this.replyError, "");
    this.caseSection.hidden = true;
    this.openForm.reset();
    this.openForm.hidden = false;
    this.openButton.disabled = false;
    this.code.focus();
  }
}

function init() {
  const root = document.getElementById("peluit-followup");
  if (root) {
    new FollowupPage(root).start();
  }
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", init, { once: true });
} else {
  init();
}

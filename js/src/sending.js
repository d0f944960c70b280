// One attempt at sending a report, as the report form shows it: the worker (worker-slot.js)
// runs the submission; its events move the progress view (progress-view.js); "cancel" works
// until the case is being filed (then it is too late); a finalization whose outcome is unknown
// ("stalled") waits for the reporter's "try again", which sends the very same finalization.
// The attempt ends once: filed, cancelled or failed, and its worker goes with it.
import { pick, t } from "./messages.js";
import { progressUpdate, retryStatus } from "./progress-view.js";

/** @typedef {import("./messages.js").Lang} Lang */
/** @typedef {{key?: string, params?: Record<string, string | number>, messages?: {id: string, en: string}}} WorkerError */
/**
 * @typedef {object} Outcome what the page does when the attempt ends or waits
 * @property {(result: import("./submit.js").SubmitResult) => void} filed
 * @property {(text: string) => void} ended cancelled or failed, with what to tell the reporter
 * @property {(text: string) => void} stalled the case may be filed: the reporter may try again
 */

const CANCEL_GRACE_MS = 10000;

/**
 * The text for a worker's failure: the server's own bilingual message, or ours.
 * @param {Lang} lang
 * @param {WorkerError | undefined} error
 */
export function failureText(lang, error) {
  return error?.messages ? pick(lang, error.messages) : t(lang, error?.key ?? "worker_failed", error?.params);
}

export class Sending {
  /**
   * @param {Lang} lang
   * @param {object} parts
   * @param {import("./worker-slot.js").WorkerSlot} parts.worker
   * @param {import("./progress-view.js").ProgressView} parts.progress
   * @param {HTMLButtonElement | null} parts.cancelButton
   * @param {HTMLButtonElement | null} parts.retryButton
   * @param {Outcome} outcome
   * @param {number} [graceMs] how long a cancelled worker may take to answer before it is stopped
   */
  constructor(lang, { worker, progress, cancelButton, retryButton }, outcome, graceMs = CANCEL_GRACE_MS) {
    this.lang = lang;
    this.worker = worker;
    this.progress = progress;
    this.cancelButton = cancelButton;
    this.retryButton = retryButton;
    this.outcome = outcome;
    this.graceMs = graceMs;
    this.finalizing = false;
    /** @type {ReadonlyArray<{name: string}>} */
    this.files = [];
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.cancelTimer = undefined;
  }

  /** Whether an attempt is running (or waiting for the reporter). */
  get running() {
    return this.worker.running !== null;
  }

  /** @param {boolean} on show the attempt's controls (cancel while sending; never "try again" at first) */
  controls(on) {
    if (this.cancelButton) {
      this.cancelButton.hidden = !on;
      this.cancelButton.disabled = false;
    }
    if (this.retryButton) {
      this.retryButton.hidden = true;
    }
    this.progress.show(on);
  }

  /**
   * @param {{type: "submit", api: string, request: {files: ReadonlyArray<{name: string}>}}} message
   */
  start(message) {
    this.finalizing = false;
    this.files = message.request.files;
    this.controls(true);
    const started = this.worker.start(message, {
      onMessage: (m) => this.fromWorker(m),
      onFailure: () => this.end(failureText(this.lang, { key: "worker_failed" })),
    });
    if (!started) {
      this.end(failureText(this.lang, { key: "worker_failed" }));
    }
  }

  /** @param {any} message from the worker */
  fromWorker(message) {
    switch (message?.type) {
      case "event":
        if (message.event.type === "phase" && message.event.phase === "finalizing") {
          this.finalizing = true;
          if (this.cancelButton) {
            this.cancelButton.hidden = true; // too late to cancel: the case is being filed
          }
        }
        this.progress.apply(progressUpdate(this.lang, message.event, this.files));
        break;
      case "retry":
        this.progress.status(retryStatus(this.lang, message));
        break;
      case "done":
        this.stop();
        this.progress.done();
        this.controls(false);
        this.outcome.filed(message.result);
        break;
      case "cancelled":
        this.end(t(this.lang, "cancelled"));
        break;
      case "failed":
        this.end(failureText(this.lang, message.error));
        break;
      case "stalled":
        this.stalled();
        break;
      default:
        break;
    }
  }

  /**
   * Finalization failed after all its retries without an answer: the case may be filed. The
   * worker keeps the very same finalization (same submission, same receipt code) and sends it
   * again when the reporter asks; the page stays busy (and warns before being left).
   */
  stalled() {
    this.outcome.stalled(t(this.lang, "finalize_unknown"));
    this.progress.status(t(this.lang, "finalize_stalled"));
    if (this.retryButton) {
      this.retryButton.hidden = false;
      this.retryButton.focus();
    }
  }

  /** @returns {boolean} whether the same finalization was sent again */
  finalizeAgain() {
    if (!this.running || !this.retryButton || this.retryButton.hidden) {
      return false;
    }
    this.retryButton.hidden = true;
    this.worker.post({ type: "finalize-again" });
    return true;
  }

  cancel() {
    if (!this.running || this.finalizing) {
      return;
    }
    if (this.cancelButton) {
      this.cancelButton.disabled = true;
    }
    this.progress.status(t(this.lang, "cancelling"));
    this.worker.post({ type: "cancel" });
    // The worker answers within moments; if it does not, stop it (it is not filing anything).
    this.cancelTimer = setTimeout(() => {
      if (this.running && !this.finalizing) {
        this.fromWorker({ type: "cancelled" });
      }
    }, this.graceMs);
  }

  /** @param {string} text cancelled or failed */
  end(text) {
    this.stop();
    this.controls(false);
    this.outcome.ended(text);
  }

  stop() {
    clearTimeout(this.cancelTimer);
    this.worker.stop();
  }
}

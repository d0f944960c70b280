// What the report form shows while a report is being sent (`#pf-progress`): one status line,
// the overall bar, and a bar and state on each file's row (file-list.js). `progressUpdate` says
// what an event from the worker changes; the view only applies it.
import { t } from "./messages.js";

/** @typedef {import("./messages.js").Lang} Lang */
/** @typedef {import("./submit.js").SubmitEvent} SubmitEvent */
/**
 * @typedef {object} Update
 * @property {number} [total] the overall bar, percent
 * @property {string} [status] the status line
 * @property {{file: number, percent?: number, state?: string}} [row] a file's row
 */

/**
 * What a worker event changes in the view. The encryption and upload of the files take the
 * overall bar to 95 %; without files the report's own steps move it.
 * @param {Lang} lang
 * @param {SubmitEvent} event
 * @param {ReadonlyArray<{name: string}>} files
 * @returns {Update}
 */
export function progressUpdate(lang, event, files) {
  const withFiles = files.length > 0;
  if (event.type === "phase") {
    const total = { preparing: 0, report: withFiles ? 95 : 40, finalizing: withFiles ? 98 : 80 }[event.phase];
    return { total, status: t(lang, event.phase) };
  }
  if (event.type === "segment") {
    const name = files[event.file]?.name ?? "";
    return {
      status: t(lang, "uploading", { name, segment: event.segment, segments: event.segments }),
      row: { file: event.file, state: t(lang, "file_sending") },
    };
  }
  const done = event.sent >= event.total;
  return {
    total: Math.floor((95 * event.overallSent) / event.overallTotal),
    row: {
      file: event.file,
      percent: Math.floor((100 * event.sent) / event.total),
      state: done ? t(lang, "file_done") : undefined,
    },
  };
}

/**
 * The status line while the worker waits to try again.
 * @param {Lang} lang
 * @param {{reason: string, delayMs: number}} retry
 */
export function retryStatus(lang, retry) {
  if (retry.reason === "replan") {
    return t(lang, "replan");
  }
  return t(lang, retry.reason === "network" ? "retry_network" : "retry_server", {
    seconds: Math.max(1, Math.round(retry.delayMs / 1000)),
  });
}

export class ProgressView {
  /**
   * @param {Lang} lang
   * @param {{box: HTMLElement | null, total: HTMLProgressElement, status: HTMLElement | null, fileList: HTMLElement | null}} parts
   */
  constructor(lang, { box, total, status, fileList }) {
    this.lang = lang;
    this.box = box;
    this.total = total;
    this.statusLine = status;
    this.fileList = fileList;
  }

  /** @param {boolean} on shown while sending; starting resets every bar */
  show(on) {
    if (this.box) {
      this.box.hidden = !on;
    }
    if (on) {
      this.status(t(this.lang, "preparing"));
      this.total.value = 0;
      for (const row of this.rows()) {
        setRow(row, 0, t(this.lang, "file_waiting"));
      }
    }
  }

  /** @param {string} text */
  status(text) {
    if (this.statusLine) {
      this.statusLine.textContent = text;
    }
  }

  /** @param {Update} update */
  apply(update) {
    if (update.total !== undefined) {
      this.total.value = update.total;
    }
    if (update.status !== undefined) {
      this.status(update.status);
    }
    if (update.row) {
      setRow(this.rows()[update.row.file], update.row.percent, update.row.state);
    }
  }

  /** The report is filed. */
  done() {
    this.total.value = 100;
    this.status(t(this.lang, "done"));
  }

  /** @returns {HTMLElement[]} */
  rows() {
    return this.fileList ? Array.from(this.fileList.querySelectorAll("li[data-file]")) : [];
  }
}

/**
 * @param {Element | undefined} row
 * @param {number | undefined} percent unchanged when undefined
 * @param {string} [state] unchanged when undefined
 */
function setRow(row, percent, state) {
  const bar = row?.querySelector("progress");
  if (bar && percent !== undefined) {
    bar.value = percent;
  }
  const label = row?.querySelector(".peluit-file-status");
  if (label && state !== undefined) {
    label.textContent = state;
  }
}

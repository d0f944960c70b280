// The follow-up page's status timeline (`#fu-timeline`, peluit/site/followup.py): the
// workflow's steps (peluit/core/workflow.py) with the current one marked, and the next
// deadline the page can know. The API gives the current status and the day it was set, not
// the history: the steps before the current one are shown as passed because the workflow
// allows no other way there; a refused case shows only "received" and "not pursued". The one
// deadline known from the status alone is the first answer's: a case still "diterima" is due
// an answer `acknowledge_working_days` working days after it was received (channels.json
// `sla`, counted as peluit/core/dates.py does, holidays included).
import { formatDate, t } from "./messages.js";
import { addWorkingDays } from "./identity-rules.js";

/** @typedef {import("./messages.js").Lang} Lang */

export const STEPS = ["diterima", "diverifikasi", "ditelaah", "diteruskan", "selesai"];

/**
 * The steps to show for `status`, each passed, current or still to come.
 * @param {string} status
 * @returns {Array<{status: string, state: "done" | "current" | "todo"}>}
 */
export function timelineSteps(status) {
  if (status === "ditolak") {
    return [
      { status: "diterima", state: "done" },
      { status: "ditolak", state: "current" },
    ];
  }
  const at = STEPS.indexOf(status);
  if (at < 0) {
    return [];
  }
  return STEPS.map((step, n) => ({ status: step, state: n < at ? "done" : n === at ? "current" : "todo" }));
}

/**
 * The next deadline, as "YYYY-MM-DD" with its working days, or null when the status alone
 * does not tell one.
 * @param {string} status
 * @param {string} since the day the status was set
 * @param {{acknowledge_working_days?: number} | undefined} sla
 * @param {ReadonlyArray<string>} holidays
 * @returns {{due: string, days: number} | null}
 */
export function nextDeadline(status, since, sla, holidays) {
  const days = sla?.acknowledge_working_days;
  if (status !== "diterima" || !days) {
    return null;
  }
  const due = addWorkingDays(since, days, holidays);
  return due ? { due, days } : null;
}

/**
 * Fill the timeline list and the next-deadline line.
 * @param {HTMLElement | null} list `#fu-timeline` (an `ol`)
 * @param {HTMLElement | null} next `#fu-next`
 * @param {Lang} lang
 * @param {string} status
 * @param {{due: string, days: number} | null} deadline
 */
export function showTimeline(list, next, lang, status, deadline) {
  list?.replaceChildren(
    ...timelineSteps(status).map(({ status: step, state }) => {
      const item = document.createElement("li");
      item.className = `peluit-step peluit-step--${state}`;
      item.textContent = t(lang, `step_${step}`) + (state === "current" ? t(lang, "step_now") : "");
      if (state === "current") {
        item.setAttribute("aria-current", "step");
      }
      return item;
    }),
  );
  if (next) {
    next.textContent = deadline ? t(lang, "next_due", { date: formatDate(lang, deadline.due), days: deadline.days }) : "";
    next.hidden = !deadline;
  }
}

// A date question's deadlines as the form lists them (`[data-deadlines-for=FIELD]`): each rule's
// due date from the date entered, in the reporter's language, and whether it has passed.
import { formatDate, pick, t } from "./messages.js";
import { deadlinesFrom } from "./identity-rules.js";

/** @typedef {import("./messages.js").Lang} Lang */
/** @typedef {import("./site-config.js").Deadline} Deadline */

/**
 * The person's own calendar day.
 * @param {Date} now
 * @returns {string} YYYY-MM-DD
 */
export function localToday(now) {
  return [now.getFullYear(), now.getMonth() + 1, now.getDate()]
    .map((n, i) => String(n).padStart(i ? 2 : 4, "0"))
    .join("-");
}

/**
 * One line per deadline that follows from `value` (none without a date).
 * @param {Lang} lang
 * @param {{rules: ReadonlyArray<Deadline>, field: string, value: string, holidays: ReadonlyArray<string>, today: string}} what
 * @returns {string[]}
 */
export function deadlineLines(lang, { rules, field, value, holidays, today }) {
  return deadlinesFrom(rules, field, value, holidays).map(({ rule, due }) =>
    t(lang, due < today ? "deadline_passed" : "deadline", {
      date: formatDate(lang, due),
      label: pick(lang, rule.label),
      days: rule.working_days,
    }),
  );
}

/**
 * @param {HTMLElement} list
 * @param {string[]} lines
 */
export function showLines(list, lines) {
  list.replaceChildren(
    ...lines.map((line) => {
      const item = list.ownerDocument.createElement("li");
      item.textContent = line;
      return item;
    }),
  );
}

// The rules that tie the reporter's identity choice to the rest of the form, without the DOM
// (the same rules as peluit/client/identity_rules.py, for `peluit submit`):
//
// * a consent (reward, public recognition; a field with `purpose: "consent"`) needs a
//   non-anonymous choice: a reward needs a reporter who can be identified (PP 43/2018);
// * "confidential" or "open" needs the name (`purpose: "name"`) and at least one way to reach
//   the reporter (`purpose: "contact"`; without any such field, at least one identity field);
// * a NIK (`purpose: "nik"`) is exactly 16 digits;
// * the deadlines under a date question count working days (Monday to Friday, except the
//   organisation's holidays) after that date, as peluit/core/dates.py `add_working_days`.
//
// Problems are message keys (messages.js), each with the field it belongs to.

/** @typedef {import("./validate.js").FieldSpec & {purpose?: string | null}} RuleField */
/** @typedef {string | boolean | null} AnswerValue */
/** @typedef {{field: string, key: string, params?: Record<string, number>}} IdentityProblem */
/** @typedef {{from_field: string, working_days: number}} DeadlineRule */

const NIK_DIGITS = 16;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 24 * 60 * 60 * 1000;

/** @param {string | null | undefined} choice */
export function identityGiven(choice) {
  return choice === "confidential" || choice === "open";
}

/**
 * @param {ReadonlyArray<RuleField>} fields
 * @param {string} purpose
 */
export function withPurpose(fields, purpose) {
  return fields.filter((f) => f.purpose === purpose);
}

/**
 * A NIK as typed ("1504 0101 0101 0001", with dots or dashes) as its 16 digits, or null when
 * it is not 16 digits.
 * @param {string} text
 * @returns {string | null}
 */
export function nikDigits(text) {
  const digits = String(text ?? "").replace(/[\s.-]/g, "");
  return new RegExp(`^\\d{${NIK_DIGITS}}$`).test(digits) ? digits : null;
}

/** @param {AnswerValue | undefined} value */
function filled(value) {
  return typeof value === "string" ? value.trim() !== "" : value === true;
}

/**
 * What the identity rules find wrong with a filled-in form.
 * @param {ReadonlyArray<RuleField>} fields the channel's fields (channels.json)
 * @param {string | null} choice "anonymous", "confidential" or "open"
 * @param {Record<string, AnswerValue>} answers the report's answers, consents included
 * @param {Record<string, AnswerValue>} identity the identity fields' values (empty if anonymous)
 * @returns {IdentityProblem[]}
 */
export function identityProblems(fields, choice, answers, identity) {
  /** @type {IdentityProblem[]} */
  const problems = [];
  if (!identityGiven(choice)) {
    for (const consent of withPurpose(fields, "consent")) {
      if (answers[consent.id] === true) {
        problems.push({ field: consent.id, key: "consent_needs_identity" });
      }
    }
    return problems;
  }
  for (const name of withPurpose(fields, "name")) {
    if (!filled(identity[name.id])) {
      problems.push({ field: name.id, key: "name_needed" });
    }
  }
  const contacts = withPurpose(fields, "contact");
  const reach = contacts.length > 0 ? contacts : fields.filter((f) => f.identity);
  if (reach.length > 0 && !reach.some((f) => filled(identity[f.id]))) {
    problems.push({ field: reach[0].id, key: "contact_needed" });
  }
  for (const nik of withPurpose(fields, "nik")) {
    const value = identity[nik.id];
    if (typeof value === "string" && value.trim() !== "" && nikDigits(value) === null) {
      const n = value.replace(/\D/g, "").length;
      problems.push({ field: nik.id, key: "nik", params: { n } });
    }
  }
  return problems;
}

/**
 * `days` working days after the ISO date `start`: Monday to Friday, except `holidays`.
 * @param {string} start "YYYY-MM-DD"
 * @param {number} days
 * @param {ReadonlyArray<string>} holidays "YYYY-MM-DD" each
 * @returns {string | null} the day as "YYYY-MM-DD", or null if `start` is not a date
 */
export function addWorkingDays(start, days, holidays = []) {
  const match = ISO_DATE.exec(start);
  if (!match) {
    return null;
  }
  let time = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  if (new Date(time).toISOString().slice(0, 10) !== start) {
    return null; // 2026-02-30 and the like
  }
  const off = new Set(holidays);
  let left = days;
  while (left > 0) {
    time += DAY_MS;
    const day = new Date(time);
    const weekday = day.getUTCDay(); // 0 Sunday … 6 Saturday
    if (weekday !== 0 && weekday !== 6 && !off.has(day.toISOString().slice(0, 10))) {
      left--;
    }
  }
  return new Date(time).toISOString().slice(0, 10);
}

/**
 * The deadlines that follow from a date question's answer.
 * @template {DeadlineRule} D
 * @param {ReadonlyArray<D>} rules the channel's deadlines
 * @param {string} field the date question
 * @param {string} received its value ("YYYY-MM-DD")
 * @param {ReadonlyArray<string>} holidays
 * @returns {Array<{rule: D, due: string}>} empty when `received` is not a date
 */
export function deadlinesFrom(rules, field, received, holidays) {
  const out = [];
  for (const rule of rules) {
    if (rule.from_field !== field) {
      continue;
    }
    const due = addWorkingDays(received, rule.working_days, holidays);
    if (due === null) {
      return [];
    }
    out.push({ rule, due });
  }
  return out;
}

// Checking what the reporter entered, without the DOM: each field's raw value against its
// specification from channels.json, the identity choice against the channel's rule, the chosen
// files against the limits. Problems are message keys (messages.js) with parameters.

/**
 * A field as channels.json describes it.
 * @typedef {object} FieldSpec
 * @property {string} id
 * @property {"text" | "textarea" | "date" | "select" | "money" | "boolean" | "kpk_area"} kind
 * @property {boolean} [required]
 * @property {boolean} [identity]
 * @property {number} [max_length]
 * @property {Array<string | {id: string}>} [options]
 */
/**
 * @typedef {object} Limits
 * @property {number} report_max_bytes
 * @property {number} file_max_bytes
 * @property {number} files_per_report
 * @property {number} total_max_bytes
 * @property {number} segment_bytes
 * @property {number} [pow_bits] the proof-of-work difficulty of the public API
 */
/** @typedef {{key: string, params?: Record<string, string | number>}} Problem */
/** @typedef {string | boolean | null} AnswerValue */

/** The most segments one finalization may list (FinalizeIn.segments). */
export const MAX_SEGMENTS = 10000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * @param {string} text
 * @returns {boolean}
 */
function isDate(text) {
  const m = DATE.exec(text);
  if (!m) {
    return false;
  }
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/**
 * The value a field contributes to the report, or a problem.
 * @param {FieldSpec} spec
 * @param {string | boolean | null | undefined} raw the control's value (a checkbox: checked)
 * @param {string[]} [allowed] a select's option values (without the empty first one)
 * @returns {{value: AnswerValue, problem?: Problem}}
 */
export function fieldValue(spec, raw, allowed) {
  if (spec.kind === "boolean") {
    const checked = raw === true;
    return spec.required && !checked ? { value: false, problem: { key: "required_box" } } : { value: checked };
  }
  const text = typeof raw === "string" ? raw.trim() : "";
  if (text === "") {
    return spec.required ? { value: null, problem: { key: "required" } } : { value: null };
  }
  const max = spec.max_length ?? 5000;
  if (text.length > max) {
    return { value: text, problem: { key: "too_long", params: { n: text.length, max } } };
  }
  switch (spec.kind) {
    case "money": {
      // Indonesians group thousands with dots or spaces; "Rp" in front is common.
      const digits = text.replace(/^rp\.?\s*/i, "").replace(/[.\s]/g, "");
      return /^\d{1,18}$/.test(digits) ? { value: digits } : { value: text, problem: { key: "money" } };
    }
    case "date":
      return isDate(text) ? { value: text } : { value: text, problem: { key: "date" } };
    case "select":
    case "kpk_area": {
      const options = allowed ?? (spec.options ?? []).map((o) => (typeof o === "string" ? o : o.id));
      return options.includes(text) ? { value: text } : { value: text, problem: { key: "choice" } };
    }
    default:
      return { value: text };
  }
}

/**
 * Which identity choices a channel offers.
 * @param {"optional" | "required" | "none"} mode the channel's `identity`
 * @returns {string[]}
 */
export function identityChoices(mode) {
  if (mode === "none") {
    return ["anonymous"];
  }
  return mode === "required" ? ["confidential", "open"] : ["anonymous", "confidential", "open"];
}

/**
 * The identity choice to record, or a problem. A channel without identity is "anonymous".
 * @param {"optional" | "required" | "none"} mode
 * @param {string | null} choice the checked `identity_choice` radio's value
 * @returns {{choice: "anonymous" | "confidential" | "open" | null, problem?: Problem}}
 */
export function identityChoice(mode, choice) {
  if (mode === "none") {
    return { choice: "anonymous" };
  }
  if (choice !== null && identityChoices(mode).includes(choice)) {
    return { choice: /** @type {"anonymous" | "confidential" | "open"} */ (choice) };
  }
  return { choice: null, problem: { key: "identity_choice" } };
}

/**
 * Problems with the chosen files against the limits (count, each size, total, segments).
 * @param {ReadonlyArray<{name: string, size: number}>} files
 * @param {Limits} limits
 * @param {(bytes: number) => string} [size] how a size is written in a message
 * @returns {Problem[]}
 */
export function fileProblems(files, limits, size = String) {
  /** @type {Problem[]} */
  const problems = [];
  if (files.length > limits.files_per_report) {
    problems.push({ key: "files_too_many", params: { max: limits.files_per_report } });
  }
  let total = 0;
  let segments = 0;
  for (const f of files) {
    total += f.size;
    segments += Math.max(1, Math.ceil(f.size / limits.segment_bytes));
    if (f.size === 0) {
      problems.push({ key: "file_empty", params: { name: f.name } });
    } else if (f.size > limits.file_max_bytes) {
      problems.push({
        key: "file_too_large",
        params: { name: f.name, size: size(f.size), max: size(limits.file_max_bytes) },
      });
    }
  }
  if (total > limits.total_max_bytes) {
    problems.push({ key: "files_total", params: { size: size(total), max: size(limits.total_max_bytes) } });
  }
  if (segments > MAX_SEGMENTS) {
    problems.push({ key: "files_segments" });
  }
  return problems;
}

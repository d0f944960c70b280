// The receipt-code input: whatever is typed or pasted (lower case, spaces, dashes, a code
// split over lines) is shown as upper-case groups of four joined by dashes, and the caret
// stays after the same character it followed. Checking the code is receipt-text.js's job.
import { codeChars, groupChars } from "./receipt-text.js";

/**
 * The input's new value and caret position after an edit.
 * @param {string} value what the input holds now
 * @param {number} caret where the caret is in it
 * @returns {{value: string, caret: number}}
 */
export function formatEntry(value, caret) {
  const before = codeChars(value.slice(0, caret)).length;
  const formatted = groupChars(codeChars(value).join(""));
  // after `before` characters, skipping the dashes between groups
  let position = 0;
  for (let seen = 0; position < formatted.length && seen < before; position++) {
    if (formatted[position] !== "-") {
      seen++;
    }
  }
  return { value: formatted, caret: position };
}

/**
 * Keep `input` formatted as the reporter types or pastes.
 * @param {HTMLInputElement} input
 */
export function attachCodeEntry(input) {
  input.addEventListener("input", () => {
    const caret = input.selectionStart ?? input.value.length;
    const next = formatEntry(input.value, caret);
    if (next.value !== input.value) {
      input.value = next.value;
      input.setSelectionRange?.(next.caret, next.caret);
    }
  });
}

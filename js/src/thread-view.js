// The thread on the follow-up page (`#fu-thread`): one list item per message, oldest first.
// A reviewer's message shows its decrypted text; the reporter's own messages are sealed for
// the review team, so they show what was sent from this page in this session, or a note.
// Text is only ever set with textContent, never parsed as HTML.
import { t } from "./messages.js";

/** @typedef {import("./messages.js").Lang} Lang */
/** @typedef {import("./followup-client.js").ReadMessage} ReadMessage */

/**
 * @param {string} className
 * @param {string} text
 */
function paragraph(className, text) {
  const p = document.createElement("p");
  p.className = className;
  p.textContent = text;
  return p;
}

/**
 * The lines a message shows: its text, or what stands in for it.
 * @param {Lang} lang
 * @param {ReadMessage} message
 * @param {{text: string, files: string[]} | undefined} sentHere
 * @returns {Array<{className: string, text: string}>}
 */
export function messageLines(lang, message, sentHere) {
  if (message.sender === "penelaah") {
    return message.text === null
      ? [{ className: "peluit-message-note", text: t(lang, "unreadable") }]
      : [{ className: "peluit-message-text", text: message.text }];
  }
  if (!sentHere) {
    return [{ className: "peluit-message-note", text: t(lang, "own_sealed") }];
  }
  const lines = sentHere.text ? [{ className: "peluit-message-text", text: sentHere.text }] : [];
  if (sentHere.files.length > 0) {
    lines.push({ className: "peluit-message-note", text: t(lang, "files_added", { names: sentHere.files.join(", ") }) });
  }
  return lines;
}

/**
 * Replace the list's items with the thread.
 * @param {HTMLElement} list `#fu-thread`
 * @param {Lang} lang
 * @param {ReadMessage[]} messages
 * @param {Map<number, {text: string, files: string[]}>} sent what this page sent, by number
 */
export function renderThread(list, lang, messages, sent) {
  list.replaceChildren(
    ...messages.map((message) => {
      const item = document.createElement("li");
      const mine = message.sender === "pelapor";
      item.className = `peluit-message ${mine ? "peluit-message--you" : "peluit-message--team"}`;
      item.dataset.seq = String(message.seq);
      item.append(paragraph("peluit-message-from", t(lang, mine ? "from_you" : "from_reviewer")));
      for (const line of messageLines(lang, message, sent.get(message.seq))) {
        item.append(paragraph(line.className, line.text));
      }
      return item;
    }),
  );
}

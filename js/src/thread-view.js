// The thread on the follow-up page (`#fu-thread`): one list item per message, oldest first,
// each with the day the server numbered it ("—" for older messages). A reviewer's message
// shows its decrypted text and a download button for each file attached to it; the reporter's
// own messages are sealed for the review team, so they show what was sent from this page in
// this session, or a note. A reviewer's message that opened but is not signed by one of the
// channel's reviewers (ReadMessage.verified) is never shown as the team's: it is marked "not
// verified" with a red warning, Indonesian then English. Text is only ever set with
// textContent, never parsed as HTML.
import { formatBytes, formatDate, t } from "./messages.js";

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
    if (message.problem) {
      return [{ className: "peluit-message-note", text: t(lang, "reply_problem") }];
    }
    if (message.text === null) {
      return [{ className: "peluit-message-note", text: t(lang, "unreadable") }];
    }
    return message.text ? [{ className: "peluit-message-text", text: message.text }] : [];
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
 * Who a message is from and how it is marked: a team message that opened but is not verified
 * (team-signature.js) is "not verified" with a warning, Indonesian then English, whatever the
 * page's language; never the team's style.
 * @param {Lang} lang
 * @param {ReadMessage} message
 * @returns {{kind: string, who: string, warning: string[]}}
 */
export function messageHeader(lang, message) {
  if (message.sender === "pelapor") {
    return { kind: "peluit-message--you", who: t(lang, "from_you"), warning: [] };
  }
  if (message.text !== null && !message.verified) {
    return {
      kind: "peluit-message--unverified",
      who: `${t("id", "team_unverified")} / ${t("en", "team_unverified")}`,
      warning: [t("id", "team_unverified_warning"), t("en", "team_unverified_warning")],
    };
  }
  return { kind: "peluit-message--team", who: t(lang, "from_reviewer"), warning: [] };
}

/**
 * The files the team attached to a message, each with a download button.
 * @param {Lang} lang
 * @param {ReadMessage} message
 * @param {(seq: number, file: number, name: string) => void} onDownload
 */
function fileList(lang, message, onDownload) {
  const list = document.createElement("ul");
  list.className = "peluit-reply-files";
  message.files.forEach((entry, number) => {
    const row = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "peluit-download";
    button.dataset.file = String(number);
    button.textContent = t(lang, "download_file", { name: entry.name, size: formatBytes(lang, entry.size) });
    button.addEventListener("click", () => onDownload(message.seq, number, entry.name));
    row.append(button);
    list.append(row);
  });
  return list;
}

/**
 * Replace the list's items with the thread.
 * @param {HTMLElement} list `#fu-thread`
 * @param {Lang} lang
 * @param {ReadMessage[]} messages
 * @param {Map<number, {text: string, files: string[]}>} sent what this page sent, by number
 * @param {(seq: number, file: number, name: string) => void} [onDownload] a file's button
 */
export function renderThread(list, lang, messages, sent, onDownload = () => {}) {
  list.replaceChildren(
    ...messages.map((message) => {
      const item = document.createElement("li");
      const mine = message.sender === "pelapor";
      const { kind, who, warning } = messageHeader(lang, message);
      item.className = `peluit-message ${kind}`;
      item.dataset.seq = String(message.seq);
      const day = message.on ? formatDate(lang, message.on) : t(lang, "no_day");
      const from = paragraph("peluit-message-from", `${who} · `);
      const time = document.createElement("span");
      time.className = "peluit-message-day";
      time.textContent = day;
      from.append(time);
      item.append(from);
      if (warning.length > 0) {
        const box = document.createElement("div");
        box.className = "peluit-message-warning";
        box.setAttribute("role", "alert");
        box.append(...warning.map((text) => paragraph("", text)));
        item.append(box);
      }
      for (const line of messageLines(lang, message, sent.get(message.seq))) {
        item.append(paragraph(line.className, line.text));
      }
      if (!mine && message.files.length > 0 && message.upload) {
        if (message.verified) {
          item.append(paragraph("peluit-message-note", t(lang, "reply_files")));
          item.append(fileList(lang, message, onDownload));
        } else {
          // No download: the list of files is only as good as the message that carries it.
          item.append(paragraph("peluit-message-note", t(lang, "reply_files_unverified")));
        }
      }
      return item;
    }),
  );
}

// The public statistics page (site/docs/statistik.md): fetch the published statistics from the
// site's own API and show them. A page script, loaded from a file (CSP script-src 'self');
// every text goes in with textContent.
import { PROBLEMS, statsView } from "./stats-view.js";

/** @typedef {import("./stats-view.js").Lang} Lang */
/** @typedef {import("./stats-view.js").SignedStats} SignedStats */
/** @typedef {import("./stats-view.js").View} View */

/**
 * @param {string} tag
 * @param {string} [text]
 * @returns {HTMLElement}
 */
function el(tag, text) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * @param {HTMLElement} root
 * @param {View} view
 */
function show(root, view) {
  const parts = [el("h2", view.title)];
  for (const table of [view.summary, ...view.tables]) {
    const node = el("table");
    node.append(el("caption", table.caption));
    const head = el("tr");
    for (const name of table.head) {
      const th = el("th", name);
      th.setAttribute("scope", "col");
      head.append(th);
    }
    const thead = el("thead");
    thead.append(head);
    const body = el("tbody");
    for (const [name, value] of table.rows) {
      const row = el("tr");
      const th = el("th", name);
      th.setAttribute("scope", "row");
      row.append(th, el("td", value));
      body.append(row);
    }
    node.append(thead, body);
    const wrap = el("div");
    wrap.className = "md-typeset__scrollwrap";
    wrap.append(node);
    parts.push(wrap);
  }
  parts.push(el("p", view.note));
  root.replaceChildren(...parts);
}

async function main() {
  const root = document.getElementById("peluit-stats");
  if (!root) return;
  /** @type {Lang} */
  const lang = root.dataset.lang === "en" ? "en" : "id";
  const status = el("p", PROBLEMS.loading[lang]);
  status.setAttribute("role", "status");
  root.replaceChildren(status);
  try {
    const answer = await fetch(root.dataset.api ?? "/api/v1/stats", {
      headers: { Accept: "application/json" },
      credentials: "omit",
      cache: "no-store",
    });
    if (answer.status === 404) {
      status.textContent = PROBLEMS.none[lang];
      return;
    }
    if (!answer.ok) throw new Error(`HTTP ${answer.status}`);
    /** @type {SignedStats} */
    const signed = await answer.json();
    show(root, statsView(signed.document, lang));
  } catch {
    status.textContent = PROBLEMS.failed[lang];
  }
}

void main();

// A real DOM for the page modules' unit tests (happy-dom): a document from markup, and the
// globals the modules use as they are in a browser (element classes for `instanceof`, CSS.escape).
import { Window } from "happy-dom";

/**
 * @param {string} body the page's body markup
 * @returns {Document}
 */
export function page(body) {
  const window = new Window({ url: "https://wbs.example.go.id/lapor/" });
  for (const name of ["HTMLInputElement", "HTMLSelectElement", "HTMLTextAreaElement", "HTMLElement", "Element", "CSS"]) {
    globalThis[name] = window[name];
  }
  const doc = /** @type {Document} */ (/** @type {unknown} */ (window.document));
  doc.body.innerHTML = body;
  return doc;
}

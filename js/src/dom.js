// The one DOM look-up the page modules share: a typed querySelector.

/**
 * @template {Element} T
 * @param {ParentNode} root
 * @param {string} selector
 * @returns {T | null}
 */
export function find(root, selector) {
  return /** @type {T | null} */ (root.querySelector(selector));
}

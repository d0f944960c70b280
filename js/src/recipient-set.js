// The fingerprint of the recipient set a finalization was encrypted to, as
// peluit/core/recipient_set.py: the server refuses a stale one (a page loaded before a key
// change) with 409 `stale_recipients`, and the form asks the reporter to reload.
import { sha256Hex } from "./digest.js";

const LABEL = "peluit-recipients/1";

/**
 * Hex SHA-256 of: the label, one line `report <recipient>` per report recipient and one line
 * `identity <recipient>` per identity recipient, each group sorted, every line ending in "\n".
 * @param {string[]} report
 * @param {string[]} identity
 * @returns {Promise<string>}
 */
export async function recipientSetFingerprint(report, identity) {
  const sorted = (/** @type {string[]} */ list) => [...list].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const lines = [LABEL, ...sorted(report).map((r) => `report ${r}`), ...sorted(identity).map((r) => `identity ${r}`)];
  return sha256Hex(new TextEncoder().encode(lines.map((line) => `${line}\n`).join("")));
}

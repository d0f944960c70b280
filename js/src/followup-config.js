// The site's channels.json as the follow-up page reads it: the API's address, the limits, each
// channel's recipients, reply signers and response times, and the holidays. The file is part of
// the signed release, so the reviewers' signing keys named here are the ones to trust.

/**
 * @typedef {object} SiteConfig channels.json (the parts used here)
 * @property {string} api
 * @property {import("./validate.js").Limits} limits
 * @property {Record<string, {report_recipients: string[], reply_signers?: string[], sla?: {acknowledge_working_days: number}}>} channels
 * @property {string[]} [holidays]
 */

/**
 * @param {URL} url
 * @param {typeof fetch} [fetchImpl]
 * @returns {Promise<SiteConfig>}
 */
export async function loadConfig(url, fetchImpl = fetch) {
  const response = await fetchImpl(url, { cache: "no-cache", credentials: "same-origin" });
  if (!response.ok) {
    throw new Error(`channels.json: HTTP ${response.status}`);
  }
  const config = await response.json();
  if (config?.version !== 1 || typeof config.api !== "string" || !config.limits || !config.channels) {
    throw new Error("channels.json: not what this script understands");
  }
  return config;
}

/**
 * Who may sign the team's messages, channel by channel (none: a channel without reply_signers).
 * @param {SiteConfig} config
 * @returns {Record<string, string[]>}
 */
export function replySigners(config) {
  return Object.fromEntries(
    Object.entries(config.channels).map(([id, spec]) => [id, Array.isArray(spec.reply_signers) ? spec.reply_signers : []]),
  );
}

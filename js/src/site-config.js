// channels.json as the form reads it: fetched revalidated (never served stale from the cache,
// because its recipient keys decide who can read the report) and refused unless it has what
// this script needs.

/** @typedef {import("./identity-rules.js").RuleField} RuleField */
/** @typedef {import("./identity-rules.js").DeadlineRule & {label: {id: string, en: string}}} Deadline */
/**
 * @typedef {object} SiteConfig channels.json
 * @property {number} version
 * @property {string} api
 * @property {import("./validate.js").Limits} limits
 * @property {Record<string, import("./submit.js").ChannelSpec & {fields: RuleField[], deadlines?: Deadline[]}>} channels
 * @property {string[]} [holidays] the organisation's holidays ("YYYY-MM-DD"), for working days
 */

const LIMITS = ["report_max_bytes", "file_max_bytes", "files_per_report", "total_max_bytes", "segment_bytes"];

/**
 * Whether `config` is a channels.json this script understands, with `channel` in it.
 * @param {any} config
 * @param {string} channel
 * @returns {config is SiteConfig}
 */
export function isSiteConfig(config, channel) {
  const spec = config?.channels?.[channel];
  const limits = config?.limits;
  return Boolean(
    config?.version === 1 &&
      typeof config.api === "string" &&
      spec &&
      Array.isArray(spec.fields) &&
      Array.isArray(spec.report_recipients) &&
      limits &&
      LIMITS.every((k) => Number.isSafeInteger(limits[k]) && limits[k] >= 0),
  );
}

/**
 * @param {URL} url
 * @param {string} channel
 * @param {typeof fetch} [fetchImpl]
 * @returns {Promise<SiteConfig>}
 */
export async function loadConfig(url, channel, fetchImpl = fetch) {
  const response = await fetchImpl(url, { cache: "no-cache", credentials: "same-origin" });
  if (!response.ok) {
    throw new Error(`channels.json: HTTP ${response.status}`);
  }
  const config = await response.json();
  if (!isSiteConfig(config, channel)) {
    throw new Error("channels.json: not what this script understands");
  }
  return config;
}

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loadConfig, replySigners } from "../src/followup-config.js";

const URL_ = new URL("https://wbs.example.go.id/assets/peluit/channels.json");
const GOOD = { version: 1, api: "https://api.example.go.id", limits: { pow_bits: 6 }, channels: { umum: { report_recipients: ["age1x"], reply_signers: ["k1", "k2"] }, pengaduan: { report_recipients: ["age1y"] } } };

/**
 * @param {number} status
 * @param {unknown} body
 * @returns {{fetch: typeof fetch, calls: {url: string, init: RequestInit | undefined}[]}}
 */
function fakeFetch(status, body) {
  /** @type {{url: string, init: RequestInit | undefined}[]} */
  const calls = [];
  const fn = async (/** @type {any} */ url, /** @type {RequestInit | undefined} */ init) => {
    calls.push({ url: String(url), init });
    return new Response(JSON.stringify(body), { status });
  };
  return { fetch: /** @type {typeof fetch} */ (fn), calls };
}

describe("the follow-up page's channels.json", () => {
  it("is fetched fresh from the site itself and returned as it is", async () => {
    const fake = fakeFetch(200, GOOD);
    assert.deepEqual(await loadConfig(URL_, fake.fetch), GOOD);
    assert.deepEqual(fake.calls, [{ url: URL_.href, init: { cache: "no-cache", credentials: "same-origin" } }]);
  });

  it("is refused when the site answers with an error", async () => {
    await assert.rejects(loadConfig(URL_, fakeFetch(404, GOOD).fetch), /channels.json: HTTP 404/);
  });

  it("is refused in a version or shape this page does not understand", async () => {
    for (const body of [{ ...GOOD, version: 2 }, { ...GOOD, api: 7 }, { ...GOOD, limits: undefined }, { ...GOOD, channels: null }, null]) {
      await assert.rejects(loadConfig(URL_, fakeFetch(200, body).fetch), /not what this script understands/);
    }
  });
});

describe("who may sign the team's messages", () => {
  it("is each channel's reply_signers, and nobody for a channel without them", () => {
    assert.deepEqual(replySigners(/** @type {any} */ (GOOD)), { umum: ["k1", "k2"], pengaduan: [] });
  });

  it("is nobody when reply_signers is not a list", () => {
    const config = /** @type {any} */ ({ ...GOOD, channels: { umum: { report_recipients: [], reply_signers: "k1" } } });
    assert.deepEqual(replySigners(config), { umum: [] });
  });
});

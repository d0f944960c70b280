import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isSiteConfig, loadConfig } from "../src/site-config.js";

const LIMITS = { report_max_bytes: 1, file_max_bytes: 2, files_per_report: 3, total_max_bytes: 4, segment_bytes: 5 };
const good = () => ({
  version: 1,
  api: "/api/v1",
  limits: { ...LIMITS },
  channels: { pengaduan: { fields: [], report_recipients: ["age1x"], identity: "optional" } },
});

describe("channels.json as the form reads it", () => {
  it("is taken with the channel, its fields, its recipients and every limit", () => {
    assert.equal(isSiteConfig(good(), "pengaduan"), true);
  });

  it("is refused for another version, another channel, or anything missing", () => {
    assert.equal(isSiteConfig(good(), "gratifikasi"), false);
    assert.equal(isSiteConfig(null, "pengaduan"), false);
    const broken = [
      (c) => (c.version = 2),
      (c) => (c.api = 1),
      (c) => delete c.channels.pengaduan.fields,
      (c) => (c.channels.pengaduan.report_recipients = "age1x"),
      (c) => delete c.limits,
      ...Object.keys(LIMITS).map((k) => (c) => (c.limits[k] = -1)),
      (c) => (c.limits.segment_bytes = 1.5),
      (c) => (c.limits.files_per_report = "3"),
    ];
    for (const [n, breakIt] of broken.entries()) {
      const config = good();
      breakIt(config);
      assert.equal(isSiteConfig(config, "pengaduan"), false, `change ${n}`);
    }
  });

  it("is fetched revalidated, same-origin, and refused on an HTTP error or an unknown shape", async () => {
    /** @type {Array<[unknown, RequestInit | undefined]>} */
    const calls = [];
    const answer = (status, body) => async (url, init) => {
      calls.push([url, init]);
      return new Response(JSON.stringify(body), { status });
    };
    const url = new URL("https://wbs.example.go.id/assets/peluit/channels.json");
    const config = await loadConfig(url, "pengaduan", answer(200, good()));
    assert.equal(config.api, "/api/v1");
    assert.deepEqual(calls[0], [url, { cache: "no-cache", credentials: "same-origin" }]);
    await assert.rejects(loadConfig(url, "pengaduan", answer(404, good())), /HTTP 404/);
    await assert.rejects(loadConfig(url, "pengaduan", answer(200, { version: 1 })), /not what this script understands/);
  });
});

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import { ApiError, createClient, errorFromResponse, sleep } from "../src/api.js";
import { FakeServer, fakeSleep, problem } from "./support/fakes.js";

const SUBMISSION = "0123456789abcdef0123456789abcdef";
const BASE = "https://wbs.example.go.id/lapor/";

/** @param {FakeServer} server @param {object} [extra] */
function client(server, extra = {}) {
  const { sleep: fakeWait, delays } = fakeSleep();
  const retries = [];
  const c = createClient({
    api: "/api/v1",
    base: BASE,
    fetch: server.fetch,
    sleep: fakeWait,
    random: () => 0.5,
    onRetry: (r) => retries.push(r),
    ...extra,
  });
  return { c, delays, retries };
}

function segment(bytes = new Uint8Array([1, 2, 3])) {
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  return { bytes, body: new Blob([bytes]), segment: { file: 0, index: 0, size: bytes.length, sha256 } };
}

const upload = (c, s, more = {}) => c.uploadSegment({ submission: SUBMISSION, channel: "pengaduan", ...s, ...more });

describe("api client: uploads", () => {
  it("plans a segment, then PUTs it same-origin with the ticket's headers", async () => {
    const server = new FakeServer();
    const { c } = client(server);
    const s = segment();
    assert.equal(await upload(c, s), "uploaded");
    const [plan, put] = server.requests;
    const planUrl = new URL(plan.url);
    assert.equal(planUrl.origin + planUrl.pathname, `https://wbs.example.go.id/api/v1/submissions/${SUBMISSION}/uploads`);
    assert.match(planUrl.search, /^\?pow=\d+-[0-9a-f]{16}-[0-9a-f]{64}$/);
    assert.deepEqual(plan.body, { channel: "pengaduan", segments: [s.segment] });
    assert.ok(put.url.startsWith(`https://wbs.example.go.id/_upload/staging/${SUBMISSION}/0/0.age?`));
    assert.equal(put.headers["x-amz-checksum-sha256"], createHash("sha256").update(s.bytes).digest("base64"));
    assert.equal(server.objects.size, 1);
  });

  it("retries network errors and 5xx with growing, jittered delays", async () => {
    const server = new FakeServer().fail("put", "network", { status: 503 }, { status: 500 }).fail("plan", { status: 502 });
    const { c, delays, retries } = client(server);
    assert.equal(await upload(c, segment()), "uploaded");
    assert.equal(server.count("plan"), 2);
    assert.equal(server.count("put"), 4);
    assert.deepEqual(delays, [750, 750, 1500, 3000]);
    assert.deepEqual(retries.map((r) => r.reason), ["server", "network", "server", "server"]);
  });

  it("retries 408 and 429 too, and caps the delay", async () => {
    const server = new FakeServer().fail("put", { status: 429 }, { status: 408 }, { status: 503 }, { status: 503 });
    const { c, delays } = client(server, { maxDelayMs: 2000, attempts: 10 });
    assert.equal(await upload(c, segment()), "uploaded");
    assert.deepEqual(delays, [750, 1500, 1500, 1500]);
  });

  it("gives up after the last attempt with the server's error, or a network error", async () => {
    const server = new FakeServer().fail("put", ...Array(3).fill(problem(503, "internal_error")));
    const { c } = client(server, { attempts: 3 });
    await assert.rejects(upload(c, segment()), (err) => err instanceof ApiError && err.code === "internal_error" && err.status === 503);

    const offline = new FakeServer().fail("plan", "network", "network", "network");
    const { c: c2 } = client(offline, { attempts: 3 });
    await assert.rejects(upload(c2, segment()), (err) => err instanceof ApiError && err.code === "network_error" && err.status === 0);
    assert.equal(offline.count("put"), 0);
  });

  it("retries S3's 400 RequestTimeout on a PUT, and no other 400", async () => {
    const slow = new FakeServer().fail("put", { status: 400, body: "<Error><Code>RequestTimeout</Code></Error>" });
    const { c, retries } = client(slow);
    assert.equal(await upload(c, segment()), "uploaded");
    assert.equal(slow.count("put"), 2);
    assert.deepEqual(retries.map((r) => r.reason), ["server"]);

    const bad = new FakeServer().fail("put", { status: 400, body: "<Error><Code>InvalidDigest</Code></Error>" });
    const { c: c2 } = client(bad);
    await assert.rejects(upload(c2, segment()), (err) => err instanceof ApiError && err.status === 400);
    assert.equal(bad.count("put"), 1);
  });

  it("asks for a new URL for the same ciphertext when the upload is refused with 403", async () => {
    const server = new FakeServer().fail("put", problem(403, "upload_rejected"), { status: 403, body: "<Error><Code>AccessDenied</Code></Error>" });
    const { c, retries } = client(server);
    const s = segment();
    assert.equal(await upload(c, s), "uploaded");
    assert.equal(server.count("plan"), 3);
    const puts = server.requests.filter((r) => r.route === "put");
    assert.equal(new Set(puts.map((p) => p.url)).size, 3, "a fresh URL each time");
    assert.ok(puts.every((p) => Buffer.from(p.body).equals(Buffer.from(s.bytes))));
    assert.deepEqual(retries.map((r) => r.reason), ["replan", "replan"]);
  });

  it("stops asking for new URLs after the re-plan limit", async () => {
    const server = new FakeServer().fail("put", ...Array(5).fill(problem(403, "upload_rejected")));
    const { c } = client(server, { replans: 2 });
    await assert.rejects(upload(c, segment()), (err) => err.code === "upload_rejected");
    assert.equal(server.count("plan"), 3);
  });

  it("treats 409 and 412 on the PUT as already uploaded", async () => {
    for (const status of [409, 412]) {
      const server = new FakeServer().fail("put", { status });
      const { c } = client(server);
      const progress = [];
      assert.equal(await upload(c, segment(), { onProgress: (n) => progress.push(n) }), "already");
      assert.deepEqual(progress, [3]);
    }
  });

  it("does not retry a client error, and carries its Indonesian and English message", async () => {
    const server = new FakeServer().fail("plan", problem(413, "limit_exceeded"));
    const { c, delays } = client(server);
    await assert.rejects(upload(c, segment()), (err) => {
      assert.ok(err instanceof ApiError);
      assert.equal(err.code, "limit_exceeded");
      assert.deepEqual(err.messages, { id: "pesan limit_exceeded", en: "message limit_exceeded" });
      return true;
    });
    assert.equal(server.count("plan"), 1);
    assert.deepEqual(delays, []);
  });

  it("times out a request that hangs and tries again", async () => {
    const server = new FakeServer().fail("plan", "hang");
    const { c, retries } = client(server, { requestTimeoutMs: 20 });
    assert.equal(await upload(c, segment()), "uploaded");
    assert.deepEqual(retries.map((r) => r.reason), ["network"]);
  });

  it("refuses an upload plan that does not answer the request", async () => {
    const server = new FakeServer();
    server.plan = () => new Response(JSON.stringify({ uploads: [] }), { status: 200 });
    const { c } = client(server);
    await assert.rejects(upload(c, segment()), (err) => err.code === "invalid_response");
  });
});

describe("api client: cancelling", () => {
  it("stops before sending anything when already aborted", async () => {
    const server = new FakeServer();
    const { c } = client(server);
    const controller = new AbortController();
    controller.abort(new DOMException("cancelled", "AbortError"));
    await assert.rejects(upload(c, segment(), { signal: controller.signal }), { name: "AbortError" });
    assert.equal(server.requests.length, 0);
  });

  it("aborts a request in flight and never retries it", async () => {
    const server = new FakeServer().fail("put", "hang");
    const controller = new AbortController();
    server.onRequest = ({ route }) => route === "put" && setTimeout(() => controller.abort(new DOMException("cancelled", "AbortError")), 5);
    const { c, retries } = client(server);
    await assert.rejects(upload(c, segment(), { signal: controller.signal }), { name: "AbortError" });
    assert.equal(server.count("put"), 1);
    assert.deepEqual(retries, []);
  });

  it("aborts while waiting to retry", async () => {
    const server = new FakeServer().fail("put", { status: 503 });
    const controller = new AbortController();
    const c = createClient({ api: "/api/v1", base: BASE, fetch: server.fetch, baseDelayMs: 60000, onRetry: () => controller.abort(new DOMException("cancelled", "AbortError")) });
    await assert.rejects(upload(c, segment(), { signal: controller.signal }), { name: "AbortError" });
    assert.equal(server.count("put"), 1);
  });

  it("has an abortable sleep", async () => {
    const controller = new AbortController();
    const waiting = sleep(60000, controller.signal);
    controller.abort(new DOMException("cancelled", "AbortError"));
    await assert.rejects(waiting, { name: "AbortError" });
    await sleep(1);
  });
});

describe("api client: finalize", () => {
  const body = { channel: "pengaduan", report: "", segments: [], lookup_hash: "00".repeat(32), reply_recipient: "age1pq1x" };

  it("retries network errors and 5xx, then returns the receipt", async () => {
    const server = new FakeServer().fail("finalize", "network", { status: 502 });
    const { c } = client(server);
    assert.deepEqual(await c.finalize(SUBMISSION, body), { case: "K3V9-2M7Q-X0AB-4FZT", acknowledged_on: "2025-11-28" });
    assert.equal(server.count("finalize"), 3);
    const expected = `https://wbs.example.go.id/api/v1/submissions/${SUBMISSION}/finalize?pow=`;
    assert.ok(server.requests.every((r) => r.url.startsWith(expected)));
    // one proof of work, found once, serves every retry of the same request
    assert.equal(new Set(server.requests.map((r) => r.url)).size, 1);
  });

  it("does not retry a conflict", async () => {
    const server = new FakeServer().fail("finalize", problem(409, "submission_conflict"));
    const { c } = client(server);
    await assert.rejects(c.finalize(SUBMISSION, body), (err) => err.code === "submission_conflict" && err.status === 409);
    assert.equal(server.count("finalize"), 1);
  });
});

describe("api errors", () => {
  it("read the server's error body, or fall back to a generic message", async () => {
    const ours = await errorFromResponse(new Response(JSON.stringify({ error: { code: "not_ciphertext", message: { id: "a", en: "b" }, detail: "x" } }), { status: 400 }));
    assert.equal(ours.code, "not_ciphertext");
    assert.equal(ours.detail, "x");
    const s3 = await errorFromResponse(new Response("<Error><Code>AccessDenied</Code></Error>", { status: 403 }));
    assert.equal(s3.code, "http_403");
    assert.ok(s3.messages.id && s3.messages.en);
  });
});

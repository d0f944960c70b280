import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { createClient } from "../src/api.js";
import { BUCKET_SECONDS, bucketOf, challenge, searchSlice, solve, verify, withPow } from "../src/pow.js";
import { FakeServer, fakeSleep } from "./support/fakes.js";

const VECTORS = JSON.parse(readFileSync(new URL("../../tests/vectors/pow-v1.json", import.meta.url), "utf8")).vectors;
const hex = (/** @type {string} */ h) => Uint8Array.from(h.match(/../g) ?? [], (b) => parseInt(b, 16));

describe("proof of work", () => {
  it("computes the committed challenges and finds the committed nonces (shared with Python)", async () => {
    for (const v of VECTORS) {
      const bytes = await challenge(v.method, v.path, hex(v.body_hex), v.bucket);
      assert.equal(Buffer.from(bytes).toString("hex"), v.challenge);
      assert.ok(await verify(bytes, v.nonce, v.bits));
      // Python searched 0, 1, 2, …: the fast search from 0 finds the same first nonce.
      const low = parseInt(v.nonce.slice(8), 16);
      assert.equal(parseInt(v.nonce.slice(0, 8), 16), 0);
      assert.equal(searchSlice(bytes, v.bits, 0, 0, low + 1), low);
      assert.equal(searchSlice(bytes, v.bits, 0, 0, low), -1);
    }
  });

  it("finds exactly the first nonce whose hash has the leading zeros, checked with WebCrypto", async () => {
    const nonce = (/** @type {number} */ high, /** @type {number} */ low) =>
      high.toString(16).padStart(8, "0") + low.toString(16).padStart(8, "0");
    for (let round = 0; round < 40; round++) {
      const bytes = crypto.getRandomValues(new Uint8Array(32));
      const [high, start] = crypto.getRandomValues(new Uint32Array(2));
      const from = round === 0 ? 0xffffffff - 3000 : start >>> 1; // once up to the last low word
      const bits = 6 + (round % 4);
      const low = searchSlice(bytes, bits, high, from, 5000);
      assert.ok(low >= from, `round ${round}: nothing found`);
      assert.ok(await verify(bytes, nonce(high, low), bits), `round ${round}: ${low} is no solution`);
      for (let earlier = from; earlier < low; earlier++) {
        assert.ok(!(await verify(bytes, nonce(high, earlier), bits)), `round ${round}: ${earlier} was missed`);
      }
    }
  });

  it("binds the work to the method, path, body and time bucket", async () => {
    const body = new TextEncoder().encode('{"token":"00"}');
    const base = await challenge("POST", "/api/v1/followup/status", body, 7);
    for (const other of [
      await challenge("POST", "/api/v1/followup/messages", body, 7),
      await challenge("POST", "/api/v1/followup/status", new TextEncoder().encode('{"token":"01"}'), 7),
      await challenge("POST", "/api/v1/followup/status", body, 8),
      await challenge("PUT", "/api/v1/followup/status", body, 7),
    ]) {
      assert.notDeepEqual(other, base);
    }
  });

  it("solves to a value the server accepts, checked with WebCrypto", async () => {
    const body = new TextEncoder().encode("{}");
    const value = await solve({ method: "POST", path: "/x", body, bits: 14 }, { now: () => 1_800_000_000_000 });
    const [bucket, nonce, digest] = value.split("-");
    assert.equal(digest, "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"); // SHA-256("{}")
    assert.equal(Number(bucket), bucketOf(1_800_000_000_000));
    assert.equal(Number(bucket), Math.floor(1_800_000_000 / BUCKET_SECONDS));
    assert.match(nonce, /^[0-9a-f]{16}$/);
    assert.ok(await verify(await challenge("POST", "/x", body, Number(bucket)), nonce, 14));
  });

  it("stops when aborted", async () => {
    const controller = new AbortController();
    controller.abort(new Error("stop"));
    await assert.rejects(
      solve({ method: "POST", path: "/x", body: new Uint8Array(), bits: 40 }, { signal: controller.signal }),
      /stop/,
    );
  });

  it("puts the value in the query string", () => {
    assert.equal(withPow("https://a.example/api/v1/x", "5-00"), "https://a.example/api/v1/x?pow=5-00");
  });
});

describe("api client: proof of work", () => {
  const client = (/** @type {FakeServer} */ server, more = {}) =>
    createClient({ api: "/api/v1", base: "https://wbs.example.go.id/", fetch: server.fetch, sleep: fakeSleep().sleep, ...more });

  it("solves at the configured difficulty and is accepted", async () => {
    const server = new FakeServer();
    server.powBits = 10;
    server.tokens.add("aa");
    const answer = await client(server, { powBits: 10 }).followupStatus("aa");
    assert.equal(answer.status, "ditelaah");
    assert.equal(server.count("status"), 1);
  });

  it("redoes the work once with the server's terms (a stale difficulty, a wrong clock)", async () => {
    const server = new FakeServer();
    server.powBits = 9;
    server.tokens.add("aa");
    server.bucket += 50; // the server's clock is far ahead of ours
    await client(server, { powBits: 2 }).followupStatus("aa");
    assert.equal(server.count("status"), 2);
    const second = new URL(server.requests[1].url).searchParams.get("pow") ?? "";
    assert.equal(Number(second.split("-")[0]), server.bucket);
  });

  it("searches one proof of work at a time, in the order the requests asked", async () => {
    const server = new FakeServer();
    server.powBits = 4;
    server.tokens.add("aa");
    const log = [];
    let running = 0;
    const solvePow = async (/** @type {any} */ request, /** @type {any} */ options) => {
      const name = JSON.parse(new TextDecoder().decode(request.body)).after;
      running += 1;
      log.push(`start ${name} (${running} running)`);
      await new Promise((resolve) => setTimeout(resolve, 15));
      const proof = await solve(request, options);
      running -= 1;
      log.push(`end ${name}`);
      return proof;
    };
    const c = client(server, { powBits: 4, solvePow });
    await Promise.all([1, 2, 3].map((after) => c.postJson("/followup/status", { token: "aa", after })));
    assert.deepEqual(log, ["start 1 (1 running)", "end 1", "start 2 (1 running)", "end 2", "start 3 (1 running)", "end 3"]);
  });

  it("gives up after one redo with the server's clear error", async () => {
    const server = new FakeServer();
    server.powBits = 8;
    server.tokens.add("aa");
    const broken = async () => "not-a-proof";
    await assert.rejects(client(server, { solvePow: broken }).followupStatus("aa"), (err) => {
      assert.equal(err.code, "pow_invalid");
      assert.deepEqual(err.pow, { bits: 8, bucket: server.bucket });
      return true;
    });
    assert.equal(server.count("status"), 2);
  });
});

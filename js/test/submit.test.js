import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { before, describe, it } from "node:test";
import { Decrypter, generateHybridIdentity, generateX25519Identity, identityToRecipient } from "age-encryption";
import { createClient } from "../src/api.js";
import { hybridFileSize } from "../src/encrypt.js";
import { bucket } from "../src/padding.js";
import { recipientSetFingerprint } from "../src/recipient-set.js";
import { caseIdOf, finalizeStatement, publicKey, reportStatement } from "../src/reporter-signature.js";
import { ed25519 } from "@noble/curves/ed25519.js";
import { ReceiptCode } from "../src/receipt.js";
import { SubmitError, submit } from "../src/submit.js";
import { solve } from "../src/pow.js";
import { LAST_PLAN_SEGMENTS, PLAN_SEGMENTS, PUTS_IN_FLIGHT, planSizes } from "../src/upload.js";
import { FakeServer, fakeSleep, problem } from "./support/fakes.js";

const KiB = 1024;
const LIMITS = { report_max_bytes: 64 * KiB, file_max_bytes: 256 * KiB, files_per_report: 3, total_max_bytes: 512 * KiB, segment_bytes: 64 * KiB };

/** @type {{reviewers: string[], custodian: string, recipients: string[], custodianRecipient: string}} */
let keys;
before(async () => {
  const reviewers = [await generateHybridIdentity(), await generateHybridIdentity()];
  const custodian = await generateHybridIdentity();
  keys = {
    reviewers,
    custodian,
    recipients: await Promise.all(reviewers.map((i) => identityToRecipient(i))),
    custodianRecipient: await identityToRecipient(custodian),
  };
});

/** @param {Uint8Array} ciphertext @param {string} identity */
async function open(ciphertext, identity) {
  const d = new Decrypter();
  d.addIdentity(identity);
  return JSON.parse(await d.decrypt(ciphertext, "text"));
}

const b64 = (/** @type {string} */ s) => new Uint8Array(Buffer.from(s, "base64"));
const file = (/** @type {number} */ size, /** @type {string} */ name, type = "application/pdf") =>
  new File([Uint8Array.from({ length: size }, (_, i) => (i * 13) & 255)], name, { type });

function request(overrides = {}) {
  return {
    channel: "pengaduan",
    spec: { identity: "optional", report_recipients: keys.recipients, identity_recipients: [keys.custodianRecipient] },
    limits: LIMITS,
    lang: "id",
    answers: { what: "Volume pekerjaan jalan dikurangi.", area: "pengadaan", consent_reward: false },
    identityChoice: "anonymous",
    identity: { reporter_name: "Ani" },
    files: [],
    ...overrides,
  };
}

/** Two files, more segments than one plan's worth of PUTs at once. */
const twoFiles = () => request({ files: [file(250 * KiB, "a.mp4"), file(100 * KiB, "b.mp4")] });

/**
 * A client over `fetchFn` that finds its 4-bit proofs of work with `solvePow`.
 * @param {typeof fetch} fetchFn
 * @param {import("../src/api.js").SolveFn} solvePow
 */
function powClient(fetchFn, solvePow) {
  return createClient({ api: "/api/v1", base: "http://127.0.0.1:8000/", fetch: fetchFn, sleep: fakeSleep().sleep, powBits: 4, solvePow });
}

function setup(server = new FakeServer()) {
  const events = [];
  const client = createClient({ api: "/api/v1", base: "http://127.0.0.1:8000/", fetch: server.fetch, sleep: fakeSleep().sleep });
  return { server, client, events, onEvent: (e) => events.push(e) };
}

describe("submitting a report", () => {
  it("uploads every segment, then finalizes with a manifest that matches what was stored", async () => {
    const { server, client, events, onEvent } = setup();
    const files = [file(150 * KiB, "foto jalan.jpg", "image/jpeg"), file(10, "catatan.txt", "text/plain")];
    const result = await submit(request({ files }), { client, onEvent });

    assert.equal(result.case, "K3V9-2M7Q-X0AB-4FZT");
    assert.equal(result.acknowledgedOn, "2025-11-28");
    const [body] = server.finalized;
    assert.equal(body.channel, "pengaduan");
    assert.equal(body.identity, null);
    assert.deepEqual(body.segments.map((s) => [s.file, s.index]), [[0, 0], [0, 1], [0, 2], [1, 0]]);
    const plain = [64 * KiB, 64 * KiB, 22 * KiB, 10];
    assert.deepEqual(body.segments.map((s) => s.size), plain.map((p) => hybridFileSize(2, p)));

    // The receipt shown is the one whose lookup hash and reply key were sent.
    const code = await ReceiptCode.parse(result.receipt);
    assert.equal(body.lookup_hash, await code.lookupHash());
    assert.equal(body.reply_recipient, await code.replyRecipient());

    // The report is padded to a size bucket, and the finalization names the recipient set.
    const dr = new Decrypter();
    dr.addIdentity(keys.reviewers[1]);
    const padded = await dr.decrypt(b64(body.report));
    assert.equal(padded.length, bucket(padded.length));
    assert.equal(b64(body.report).length, hybridFileSize(2, padded.length));
    assert.equal(body.recipients_sha256, await recipientSetFingerprint(keys.recipients, [keys.custodianRecipient]));
    // Signed with the receipt code's key over the case, the report (no identity block here)
    // and the reply key (statement version 2); not over the older statement.
    assert.equal(body.reporter_key, publicKey(await code.signingSeed()));
    assert.equal(body.statement, 2);
    const caseId = await caseIdOf(server.submissions[0]);
    const statement = await finalizeStatement(caseId, b64(body.report), null, body.reply_recipient);
    const key = Buffer.from(body.reporter_key, "hex");
    assert.ok(ed25519.verify(Buffer.from(body.signature, "hex"), statement, key));
    const older = await reportStatement(b64(body.report), null);
    assert.ok(!ed25519.verify(Buffer.from(body.signature, "hex"), older, key));

    const report = await open(b64(body.report), keys.reviewers[1]);
    assert.deepEqual(report.answers, request().answers);
    assert.equal(report.identity_choice, "anonymous");
    assert.equal(report.identity, null, "an anonymous reporter's identity fields are not sent");
    assert.deepEqual(report.files.map((f) => [f.name, f.type, f.size]), [["foto jalan.jpg", "image/jpeg", 150 * KiB], ["catatan.txt", "text/plain", 10]]);
    const manifest = report.files.flatMap((f) => f.segments);
    assert.deepEqual(manifest, body.segments.map((s) => ({ size: s.size, sha256: s.sha256 })));

    // Each stored segment decrypts to its slice of the file.
    const original = Buffer.from(await files[0].arrayBuffer());
    const d = new Decrypter();
    d.addIdentity(keys.reviewers[0]);
    const stored = [...server.objects.entries()].filter(([k]) => k.includes("/0/")).sort().map(([, v]) => v);
    for (const ciphertext of stored) {
      assert.equal(createHash("sha256").update(ciphertext).digest("hex"), manifest[stored.indexOf(ciphertext)].sha256);
    }
    const joined = Buffer.concat(await Promise.all(stored.map((c) => d.decrypt(c))));
    assert.ok(joined.equals(original));

    assert.deepEqual(events.filter((e) => e.type === "phase").map((e) => e.phase), ["preparing", "report", "finalizing"]);
    const last = events.filter((e) => e.type === "progress").at(-1);
    assert.equal(last.overallSent, last.overallTotal);
  });

  it("sends a confidential identity to the custodians only", async () => {
    const { server, client } = setup();
    await submit(request({ identityChoice: "confidential" }), { client });
    const [body] = server.finalized;
    assert.equal((await open(b64(body.report), keys.reviewers[0])).identity, null);
    const dc = new Decrypter();
    dc.addIdentity(keys.custodian);
    assert.equal((await dc.decrypt(b64(body.identity))).length, 1024, "a name's length does not show");
    const block = await open(b64(body.identity), keys.custodian);
    // the block names its case (ADR 0059): a custodian's tool grants it as this case's only
    const caseId = await caseIdOf(server.submissions[0]);
    assert.deepEqual(block, { format: "peluit-identity/1", channel: "pengaduan", fields: { reporter_name: "Ani" }, case: caseId });
    await assert.rejects(open(b64(body.identity), keys.reviewers[0]), /no identity matched/);
  });

  it("puts an open identity in the report, and also in the block where the channel requires one", async () => {
    const { server, client } = setup();
    await submit(request({ identityChoice: "open" }), { client });
    await submit(request({ identityChoice: "open", spec: { ...request().spec, identity: "required" } }), { client });
    const [optional, required] = server.finalized;
    assert.deepEqual((await open(b64(optional.report), keys.reviewers[0])).identity, { reporter_name: "Ani" });
    assert.equal(optional.identity, null);
    assert.deepEqual((await open(b64(required.identity), keys.custodian)).fields, { reporter_name: "Ani" });
  });

  it("sends a report without files with no segments", async () => {
    const { server, client } = setup();
    await submit(request(), { client });
    assert.deepEqual(server.finalized[0].segments, []);
    assert.equal(server.count("plan"), 0);
  });

  it("completes through network errors, 5xx and an expired upload URL", async () => {
    const server = new FakeServer().fail("put", "network", { status: 503 }, { status: 403 }).fail("finalize", { status: 502 });
    const { client } = setup(server);
    const result = await submit(request({ files: [file(70 * KiB, "a.pdf")] }), { client });
    assert.equal(result.case, "K3V9-2M7Q-X0AB-4FZT");
    assert.equal(server.finalized.length, 1);
  });

  it("refuses a classic or mixed recipient before sending anything", async () => {
    const classic = await identityToRecipient(await generateX25519Identity());
    for (const recipients of [[classic], [keys.recipients[0], classic]]) {
      const { server, client } = setup();
      await assert.rejects(submit(request({ spec: { ...request().spec, report_recipients: recipients } }), { client }), { name: "RecipientPolicyError" });
      assert.equal(server.requests.length, 0);
    }
    const { server, client } = setup();
    const spec = { ...request().spec, identity_recipients: [classic] };
    await assert.rejects(submit(request({ spec, identityChoice: "confidential" }), { client }), { name: "RecipientPolicyError" });
    assert.equal(server.requests.length, 0);
  });

  it("refuses a report that would be too large before uploading anything", async () => {
    const { server, client } = setup();
    const answers = { what: "x".repeat(70 * KiB) };
    await assert.rejects(submit(request({ answers, files: [file(10, "a")] }), { client }), (err) => err instanceof SubmitError && err.key === "report_too_large");
    assert.equal(server.requests.length, 0);
  });

  it("refuses files over the limits and an identity choice the channel does not offer", async () => {
    const { server, client } = setup();
    await assert.rejects(submit(request({ files: [file(300 * KiB, "besar.mp4")] }), { client }), (err) => err.key === "file_too_large");
    await assert.rejects(submit(request({ spec: { ...request().spec, identity: "required" } }), { client }), (err) => err.key === "identity_choice");
    assert.equal(server.requests.length, 0);
  });

  it("stops on cancel and never finalizes", async () => {
    const server = new FakeServer();
    const controller = new AbortController();
    server.onRequest = ({ route }) => route === "put" && server.count("put") === 2 && controller.abort(new DOMException("cancelled", "AbortError"));
    const { client } = setup(server);
    // 4 segments of 64 KiB: those under way when cancelled were started, no other is
    await assert.rejects(submit(request({ files: [file(250 * KiB, "a.pdf")] }), { client, signal: controller.signal }), { name: "AbortError" });
    assert.equal(server.count("finalize"), 0);
    assert.ok(server.count("put") >= 2 && server.count("put") <= PUTS_IN_FLIGHT, `${server.count("put")} PUTs`);
  });

  it("when finalizing's outcome is unknown, asks, then sends the very same finalization again", async () => {
    const server = new FakeServer().fail("finalize", ...Array(6).fill("network"));
    const { client } = setup(server);
    const stalls = [];
    const result = await submit(request({ files: [file(10, "a.pdf")] }), {
      client,
      whenStalled: async (err) => {
        stalls.push(err.code);
      },
    });
    assert.deepEqual(stalls, ["network_error"]);
    const tries = server.requests.filter((r) => r.route === "finalize");
    assert.equal(tries.length, 7);
    assert.equal(new Set(tries.map((r) => new URL(r.url).pathname)).size, 1, "the same submission");
    assert.equal(new Set(tries.map((r) => JSON.stringify(r.body))).size, 1, "the same body, so the same receipt code");
    assert.equal(server.finalized.length, 1);
    assert.equal(result.case, "K3V9-2M7Q-X0AB-4FZT");
  });

  it("gives up on an unknown outcome when the caller does, and never asks about a definite refusal", async () => {
    const unknown = new FakeServer().fail("finalize", ...Array(6).fill({ status: 503 }));
    const { client } = setup(unknown);
    const giveUp = new Error("the reporter left");
    await assert.rejects(submit(request(), { client, whenStalled: () => Promise.reject(giveUp) }), giveUp);
    await assert.rejects(submit(request(), { client: setup(new FakeServer().fail("finalize", ...Array(6).fill("network"))).client }), (err) => err.code === "network_error");

    const refused = new FakeServer().fail("finalize", problem(409, "submission_conflict"));
    let asked = false;
    const { client: c2 } = setup(refused);
    await assert.rejects(
      submit(request(), { client: c2, whenStalled: async () => { asked = true; } }),
      (err) => err.code === "submission_conflict",
    );
    assert.equal(asked, false);
  });

  it("plans up to PLAN_SEGMENTS segments with one request (one proof of work), a short plan last, and PUTs a few at once", async () => {
    const server = new FakeServer();
    const log = [];
    let inFlight = 0;
    let most = 0;
    const fetchFn = async (input, init = {}) => {
      const url = new URL(String(input));
      const route = init.method === "PUT" ? "put" : url.pathname.endsWith("/uploads") ? "plan" : "finalize";
      if (route === "plan") log.push(JSON.parse(String(init.body)).segments.map((s) => s.index));
      if (route === "put") {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      try {
        return await server.fetch(input, init);
      } finally {
        if (route === "put") inFlight -= 1;
      }
    };
    const client = createClient({ api: "/api/v1", base: "http://127.0.0.1:8000/", fetch: fetchFn, sleep: fakeSleep().sleep });
    // three files: 4 + 4 + 8 segments of 64 KiB, planned as 7, 6 and a last plan of 3:
    // [file 0: 0-3, file 1: 0-2], [file 1: 3, file 2: 0-4], [file 2: 5-7]
    const files = [file(250 * KiB, "a.mp4"), file(250 * KiB, "b.mp4"), file(500 * KiB, "c.mp4")];
    const limits = { ...LIMITS, file_max_bytes: 1024 * KiB, total_max_bytes: 2048 * KiB };
    const result = await submit(request({ files, limits }), { client });
    assert.equal(PLAN_SEGMENTS, 12);
    assert.equal(LAST_PLAN_SEGMENTS, 3);
    assert.deepEqual(log, [[0, 1, 2, 3, 0, 1, 2], [3, 0, 1, 2, 3, 4], [5, 6, 7]]);
    assert.ok(most > 1 && most <= PUTS_IN_FLIGHT, `${most} PUTs at once`);
    assert.equal(server.count("put"), 16);
    assert.equal(server.finalized.length, 1);
    assert.ok(result.case);

    // a PUT refused for good ends the upload: after its answer no plan is asked, at most the
    // PUTs whose slots freed while the refusal was being read start, nothing is finalized
    const failing = new FakeServer().fail("put", problem(400, "invalid_request"));
    const seen = [];
    const c2 = createClient({
      api: "/api/v1",
      base: "http://127.0.0.1:8000/",
      fetch: async (input, init = {}) => {
        const what = `${init.method} ${new URL(String(input)).pathname}`;
        seen.push(`start ${what}`);
        const answer = await failing.fetch(input, init);
        seen.push(`end ${what} ${answer.status}`);
        return answer;
      },
      sleep: fakeSleep().sleep,
    });
    await assert.rejects(submit(request({ files: [file(250 * KiB, "a.mp4"), file(250 * KiB, "b.mp4")] }), { client: c2 }), (err) => err.code === "invalid_request");
    await new Promise((resolve) => setTimeout(resolve, 200));
    const refused = seen.findIndex((e) => e.startsWith("end PUT") && e.endsWith(" 400"));
    assert.ok(refused >= 0, seen.join(", "));
    const after = seen.slice(refused + 1).filter((e) => e.startsWith("start"));
    assert.deepEqual(after.filter((e) => e.startsWith("start POST")), [], seen.join(", "));
    assert.ok(after.length <= PUTS_IN_FLIGHT - 1, seen.join(", "));
    assert.ok(seen.filter((e) => e.startsWith("start PUT")).length < 8, seen.join(", "));
    assert.equal(failing.finalized.length, 0);
  });

  it("plans up to PLAN_SEGMENTS in one plan; beyond that even plans, the larger first, then a short last one", () => {
    assert.deepEqual(planSizes(25, 12, 3), [11, 11, 3]); // 200 MiB in 8 MiB segments
    assert.deepEqual(planSizes(13, 12, 3), [10, 3]);
    assert.deepEqual(planSizes(12, 12, 3), [12]);
    assert.deepEqual(planSizes(1, 12, 3), [1]);
    assert.deepEqual(planSizes(0, 12, 3), []);
    for (let n = 1; n <= 100; n++) {
      const sizes = planSizes(n, PLAN_SEGMENTS, LAST_PLAN_SEGMENTS);
      assert.equal(sizes.reduce((a, b) => a + b, 0), n);
      assert.ok(Math.max(...sizes) <= PLAN_SEGMENTS, `${n}: ${sizes}`);
      if (n <= PLAN_SEGMENTS) {
        assert.deepEqual(sizes, [n]);
      } else {
        const rest = sizes.slice(0, -1);
        assert.equal(sizes.at(-1), LAST_PLAN_SEGMENTS);
        assert.equal(rest.length, Math.ceil((n - LAST_PLAN_SEGMENTS) / PLAN_SEGMENTS));
        assert.ok(Math.max(...rest) - Math.min(...rest) <= 1, `${n}: ${sizes}`);
      }
    }
  });

  it("finds the finalization's proof of work while the last PUTs run, and finalizes only after all of them", async () => {
    const server = new FakeServer();
    server.powBits = 4;
    const seen = [];
    const fetchFn = async (input, init = {}) => {
      const what = `${init.method} ${new URL(String(input)).pathname.split("/").pop()}`;
      seen.push(`start ${what}`);
      if (init.method === "PUT") await new Promise((resolve) => setTimeout(resolve, 60));
      const answer = await server.fetch(input, init);
      seen.push(`end ${what} ${answer.status}`);
      return answer;
    };
    const solved = [];
    const client = powClient(fetchFn, async (req, options) => {
      seen.push(`solve ${req.path.split("/").pop()}`);
      const proof = await solve(req, options);
      solved.push(proof);
      return proof;
    });
    const result = await submit(twoFiles(), { client });
    assert.ok(result.case);
    const lastPutEnd = seen.findLastIndex((e) => e.startsWith("end PUT"));
    const solveFinalize = seen.indexOf("solve finalize");
    assert.ok(solveFinalize >= 0 && solveFinalize < lastPutEnd, seen.join(", "));
    // one proof for it, found ahead, and the request bound to it was accepted after every PUT
    assert.equal(seen.filter((e) => e === "solve finalize").length, 1, seen.join(", "));
    assert.ok(seen.indexOf("start POST finalize") > lastPutEnd, seen.join(", "));
    assert.ok(seen.includes("end POST finalize 200"), seen.join(", "));
    assert.equal(server.finalized.length, 1);
    const finalize = server.requests.find((r) => r.route === "finalize");
    assert.ok(finalize && solved.includes(new URL(finalize.url).searchParams.get("pow") ?? ""));
  });

  it("stops the finalization's early proof of work when a PUT fails for good", async () => {
    const server = new FakeServer();
    server.powBits = 4;
    /** @type {AbortSignal[]} */
    const searches = [];
    const fetchFn = async (input, init = {}) => {
      if (init.method === "PUT" && new URL(String(input)).pathname.endsWith("/1/1.age")) {
        await new Promise((resolve) => setTimeout(resolve, 60)); // after the finalization's search began
        return new Response("refused", { status: 400 });
      }
      return server.fetch(input, init);
    };
    const client = powClient(fetchFn, async (req, options) => {
      if (req.path.endsWith("/finalize")) {
        searches.push(options.signal);
        if (!options.signal?.aborted) {
          // a long search: it ends when aborted, or after a second whatever happens
          await new Promise((resolve) => {
            options.signal?.addEventListener("abort", resolve, { once: true });
            setTimeout(resolve, 1000);
          });
        }
      }
      return solve(req, options);
    });
    await assert.rejects(submit(twoFiles(), { client }));
    assert.equal(searches.length, 1);
    assert.ok(searches[0].aborted, "the search for a finalization that will never be sent goes on");
    assert.equal(server.finalized.length, 0);
  });

  it("says which file could not be read", async () => {
    const { client } = setup();
    const broken = file(10, "hilang.pdf");
    const gone = () =>
      new ReadableStream({ pull: (controller) => controller.error(new DOMException("gone", "NotReadableError")) });
    broken.slice = () => ({ size: 10, stream: gone });
    await assert.rejects(submit(request({ files: [broken] }), { client }), (err) => err.key === "file_unreadable" && err.params.name === "hilang.pdf");
  });
});

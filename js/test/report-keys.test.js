// The reporter's keys inside the encrypted report (ADR 0054), and no unnumbered statement when
// the server leaves out the thread position.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { Decrypter, generateHybridIdentity, identityToRecipient } from "age-encryption";
import { createClient } from "../src/api.js";
import { ApiError } from "../src/api-error.js";
import { ReceiptCode } from "../src/receipt.js";
import { NO_POSITION, postSigned, publicKey, threadPosition } from "../src/reporter-signature.js";
import { reportDocument } from "../src/report.js";
import { submit } from "../src/submit.js";
import { FakeServer, fakeSleep } from "./support/fakes.js";

const KiB = 1024;
const LIMITS = { report_max_bytes: 64 * KiB, file_max_bytes: 256 * KiB, files_per_report: 3, total_max_bytes: 512 * KiB, segment_bytes: 64 * KiB };
const b64 = (/** @type {string} */ s) => new Uint8Array(Buffer.from(s, "base64"));

/** @type {string} */
let reviewer;
/** @type {string} */
let recipient;
before(async () => {
  reviewer = await generateHybridIdentity();
  recipient = await identityToRecipient(reviewer);
});

describe("the reporter's keys inside the report", () => {
  it("are the very keys the finalization sends, so the review tool can compare them", async () => {
    const server = new FakeServer();
    const client = createClient({ api: "/api/v1", base: "http://127.0.0.1:8000/", fetch: server.fetch, sleep: fakeSleep().sleep });
    const request = {
      channel: "pengaduan",
      spec: /** @type {const} */ ({ identity: "optional", report_recipients: [recipient], identity_recipients: [recipient] }),
      limits: LIMITS,
      lang: /** @type {const} */ ("id"),
      answers: { what: "Volume pekerjaan jalan dikurangi." },
      identityChoice: /** @type {const} */ ("anonymous"),
      identity: null,
      files: [],
    };
    const result = await submit(request, { client });
    const [body] = server.finalized;
    const d = new Decrypter();
    d.addIdentity(reviewer);
    const doc = JSON.parse(new TextDecoder().decode(await d.decrypt(b64(body.report))).trimEnd());
    const code = await ReceiptCode.parse(result.receipt);
    assert.equal(doc.reporter_key, publicKey(await code.signingSeed()));
    assert.equal(doc.reporter_key, body.reporter_key);
    assert.equal(doc.reply_recipient, await code.replyRecipient());
    assert.equal(doc.reply_recipient, body.reply_recipient);
  });

  it("are refused when they are not a key and a recipient", () => {
    const base = { channel: "c", lang: /** @type {const} */ ("en"), answers: {}, identityChoice: /** @type {const} */ ("anonymous") };
    assert.equal("reporter_key" in reportDocument(base), false);
    assert.throws(() => reportDocument({ ...base, keys: { reporterKey: "ab", replyRecipient: "age1pq1x" } }), TypeError);
    assert.throws(() => reportDocument({ ...base, keys: { reporterKey: "0".repeat(64), replyRecipient: "age1 x" } }), TypeError);
  });
});

describe("a message's thread position", () => {
  const REFERENCE = "K3V9-2M7Q-X0AB-4FZT";
  /** @param {object} answer */
  const clientAnswering = (answer) => ({ postJson: async () => answer });

  it("is refused, not signed with the older statement, when the server does not say the number", async () => {
    let posted = 0;
    const position = () => threadPosition(clientAnswering({ case: REFERENCE, channel: "pengaduan" }), "ab".repeat(16));
    const seed = new Uint8Array(32);
    await assert.rejects(
      postSigned(seed, position, new Uint8Array([1, 2, 3]), async () => {
        posted += 1;
      }),
      (/** @type {unknown} */ err) => err instanceof ApiError && err.code === "no_thread_position" && err.messages === NO_POSITION,
    );
    assert.equal(posted, 0);
    await assert.rejects(threadPosition(clientAnswering({ case: REFERENCE, next_seq: 0 }), "ab"), { code: "no_thread_position" });
  });

  it("is the server's next number when it says one", async () => {
    const found = await threadPosition(clientAnswering({ case: REFERENCE, next_seq: 4 }), "ab");
    assert.deepEqual(found, { caseId: "k3v92m7qx0ab4fzt", seq: 4 });
  });
});

import { ed25519 } from "@noble/curves/ed25519.js";
import { messageStatement, placedMessageStatement } from "../src/reporter-signature.js";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { before, describe, it } from "node:test";
import { Decrypter, Encrypter, generateHybridIdentity, generateX25519Identity, identityToRecipient } from "age-encryption";
import { createClient } from "../src/api.js";
import { toBase64 } from "../src/base64.js";
import { formatEntry } from "../src/code-entry.js";
import { FileIntegrityError, MESSAGE_FORMAT, decodeReply, downloadFile, openSession, readCase, sendReply } from "../src/followup-client.js";
import { ReceiptCode } from "../src/receipt.js";
import { ReceiptCodeError, parseCodeText } from "../src/receipt-text.js";
import { messageLines } from "../src/thread-view.js";
import { FakeServer, fakeSleep } from "./support/fakes.js";

const KiB = 1024;
const LIMITS = { report_max_bytes: 64 * KiB, file_max_bytes: 256 * KiB, files_per_report: 3, total_max_bytes: 512 * KiB, segment_bytes: 64 * KiB, pow_bits: 6 };

/** @type {{team: string[], recipients: string[]}} */
let keys;
before(async () => {
  const team = [await generateHybridIdentity(), await generateHybridIdentity()];
  keys = { team, recipients: await Promise.all(team.map((i) => identityToRecipient(i))) };
});

/** @param {string[]} recipients @param {string} text */
async function seal(recipients, text) {
  const e = new Encrypter();
  for (const r of recipients) e.addRecipient(r);
  return toBase64(await e.encrypt(text));
}

/** @param {string} data base64 @param {string} identity */
async function open(data, identity) {
  const d = new Decrypter();
  d.addIdentity(identity);
  return d.decrypt(new Uint8Array(Buffer.from(data, "base64")), "text");
}

async function world() {
  const code = await ReceiptCode.generate();
  const session = await openSession(code.toString().toLowerCase());
  const server = new FakeServer();
  server.powBits = LIMITS.pow_bits;
  server.tokens.add(session.token);
  const client = createClient({ api: "/api/v1", base: "https://wbs.example.go.id/", fetch: server.fetch, sleep: fakeSleep().sleep, powBits: LIMITS.pow_bits });
  return { code, session, server, client };
}

const request = (over = {}) => ({
  channel: "pengaduan",
  spec: { report_recipients: keys.recipients },
  limits: LIMITS,
  lang: /** @type {"id"} */ ("id"),
  text: "  Ini jawaban saya.  ",
  files: [],
  ...over,
});

describe("follow-up: the code", () => {
  it("derives the lookup token and the reply identity; only the token is ever sent", async () => {
    const { code, session, server, client } = await world();
    assert.equal(session.token, Buffer.from(await code.lookupToken()).toString("hex"));
    assert.equal(session.identity, await code.replyIdentity());
    await readCase(client, session);
    const sent = JSON.stringify(server.requests.map((r) => [r.url, r.body]));
    assert.ok(sent.includes(session.token));
    assert.ok(!sent.includes(code.toString()) && !sent.includes(session.identity));
  });

  it("catches a typo by the check character, before any key is derived", async () => {
    const text = (await ReceiptCode.generate()).toString();
    const wrongCheck = text.slice(0, -1) + (text.endsWith("0") ? "1" : "0");
    await assert.rejects(parseCodeText(wrongCheck), (err) => err instanceof ReceiptCodeError && err.reason === "check");
    await assert.rejects(openSession(wrongCheck), ReceiptCodeError);
    await assert.rejects(openSession(text.slice(0, -2)), (err) => err instanceof ReceiptCodeError && err.reason === "length");
  });

  it("groups what is typed or pasted and keeps the caret after the same character", () => {
    assert.deepEqual(formatEntry("7k3mq", 5), { value: "7K3M-Q", caret: 6 });
    assert.deepEqual(formatEntry("7K3M-Q9XD-A", 4), { value: "7K3M-Q9XD-A", caret: 4 });
    assert.deepEqual(formatEntry(" 7k3m q9xd\nabcd ", 16), { value: "7K3M-Q9XD-ABCD", caret: 14 });
    assert.deepEqual(formatEntry("7K3M-Q9XD", 0), { value: "7K3M-Q9XD", caret: 0 });
  });
});

describe("follow-up: reading the case", () => {
  it("decrypts the reviewers' messages with the reply identity, page by page", async () => {
    const { session, server, client } = await world();
    const reply = await identityToRecipient(session.identity);
    server.pageSize = 1;
    server.thread = [
      { seq: 1, sender: "penelaah", data: await seal([reply, ...keys.recipients], "Pertanyaan pertama") },
      { seq: 2, sender: "pelapor", data: await seal(keys.recipients, "{}") },
      { seq: 3, sender: "penelaah", data: await seal(keys.recipients, "bukan untuk pelapor") },
    ];
    const view = await readCase(client, session);
    assert.equal(server.count("status"), 3);
    const none = { on: null, files: [], upload: null, problem: null, verified: false };
    assert.deepEqual(view.messages, [
      { seq: 1, sender: "penelaah", text: "Pertanyaan pertama", ...none },
      { seq: 2, sender: "pelapor", text: null, ...none },
      { seq: 3, sender: "penelaah", text: null, ...none },
    ]);
    assert.equal(view.status, "ditelaah");
  });

  it("reads a reply document with its day and the files attached to it", async () => {
    const { session, server, client } = await world();
    const reply = await identityToRecipient(session.identity);
    const entry = { name: "formulir.pdf", type: "application/pdf", size: 3, segments: [{ size: 300, sha256: "ab".repeat(32) }] };
    const doc = JSON.stringify({ format: "peluit-reply/1", text: "Isi formulir ini.", files: [entry], upload: "0f".repeat(16) });
    server.thread = [{ seq: 1, sender: "penelaah", data: await seal([reply, ...keys.recipients], doc), on: "2026-12-06" }];
    const [message] = (await readCase(client, session)).messages;
    assert.deepEqual(message, { seq: 1, sender: "penelaah", text: "Isi formulir ini.", on: "2026-12-06", files: [entry], upload: "0f".repeat(16), problem: null, verified: false });
  });

  it("never shows a team message it cannot decode, and reads older plain text as text", () => {
    const bytes = (/** @type {string} */ text) => new TextEncoder().encode(text);
    assert.equal(decodeReply(bytes("Halo {x}")).text, "Halo {x}");
    assert.equal(decodeReply(bytes('{"format": "peluit-message/1"}')).text, '{"format": "peluit-message/1"}');
    assert.equal(decodeReply(bytes('{"format": "peluit-reply/2", "text": "x"}')).problem, "unknown_format");
    assert.equal(decodeReply(bytes('{"format": "peluit-reply/1", "text": "x", "extra": 1}')).problem, "invalid");
    assert.equal(decodeReply(bytes('{"format": "peluit-reply/1", "text": "x", "upload": "../x", "files": []}')).problem, "invalid");
    assert.equal(decodeReply(new Uint8Array([0xff, 0xfe])).problem, "not_utf8");
    const lines = messageLines("en", { seq: 1, sender: "penelaah", text: null, on: null, files: [], upload: null, problem: "invalid" }, undefined);
    assert.match(lines[0].text, /cannot show this message/);
  });

  it("shows the reporter's own message only from this session's memory", () => {
    const sealed = messageLines("en", { seq: 2, sender: "pelapor", text: null }, undefined);
    assert.match(sealed[0].text, /encrypted for the review team only/);
    const here = messageLines("id", { seq: 2, sender: "pelapor", text: null }, { text: "Halo", files: ["a.pdf"] });
    assert.deepEqual(here.map((l) => l.text), ["Halo", "Berkas yang Anda tambahkan: a.pdf"]);
    assert.match(messageLines("id", { seq: 1, sender: "penelaah", text: null }, undefined)[0].text, /tidak dapat dibuka/);
  });

  it("says a wrong token is not recognised, with the server's words", async () => {
    const { client } = await world();
    await assert.rejects(client.followupStatus("ff".repeat(32)), (err) => err.code === "receipt_not_found" && err.status === 404);
  });
});

describe("follow-up: files from the review team", () => {
  /** @param {Uint8Array[]} parts @param {string[]} recipients */
  async function attached(parts, recipients) {
    const segments = [];
    for (const part of parts) {
      const e = new Encrypter();
      for (const r of recipients) e.addRecipient(r);
      segments.push(await e.encrypt(part));
    }
    return segments;
  }

  it("downloads, checks each segment against the manifest, and decrypts here", async () => {
    const { session, server, client } = await world();
    server.chunkBytes = 1000; // several chunks per segment
    const reply = await identityToRecipient(session.identity);
    const plain = [new Uint8Array(5000).fill(7), new Uint8Array(10).fill(9)];
    const segments = await attached(plain, [reply, ...keys.recipients]);
    const upload = "ab".repeat(16);
    segments.forEach((s, i) => server.replyFiles.set(`${upload}/0/${i}`, s));
    const entry = { name: "foto.jpg", type: "image/jpeg", size: 5010, segments: segments.map((s) => ({ size: s.length, sha256: createHash("sha256").update(s).digest("hex") })) };
    const message = { seq: 3, sender: /** @type {"penelaah"} */ ("penelaah"), text: "", on: null, files: [entry], upload, problem: null };
    const got = await downloadFile(client, session, message, 0);
    assert.deepEqual(got.data, new Uint8Array([...plain[0], ...plain[1]]));
    assert.equal(got.name, "foto.jpg");
    assert.ok(server.count("files") >= 7);

    // A swapped segment (the same size, for the same people) is refused: nothing is returned.
    server.replyFiles.set(`${upload}/0/1`, (await attached([new Uint8Array(10).fill(1)], [reply, ...keys.recipients]))[0]);
    await assert.rejects(downloadFile(client, session, message, 0), FileIntegrityError);
  });
});

describe("follow-up: answering", () => {
  it("sends a message encrypted to the team only, as a peluit-message/1 document", async () => {
    const { session, server, client } = await world();
    const result = await sendReply(client, session, request());
    assert.deepEqual(result, { seq: 1, files: [] });
    const [{ route, body }] = server.posted;
    assert.equal(route, "message");
    assert.equal(body.token, session.token);
    // signed for its case and number (version 2), not with the older statement
    const sealed = new Uint8Array(Buffer.from(body.message, "base64"));
    assert.equal(body.seq, 1);
    const statement = await placedMessageStatement("k3v92m7qx0ab4fzt", 1, sealed);
    const key = ed25519.getPublicKey(session.signingSeed);
    assert.ok(ed25519.verify(Buffer.from(body.signature, "hex"), statement, key), "signed with the code's key");
    assert.ok(!ed25519.verify(Buffer.from(body.signature, "hex"), await messageStatement(sealed), key));
    const plaintext = await open(body.message, keys.team[1]);
    assert.equal(plaintext.length, 1024, "padded to its size bucket: the text's length does not show");
    const doc = JSON.parse(plaintext);
    assert.deepEqual(doc, { format: MESSAGE_FORMAT, lang: "id", text: "Ini jawaban saya.", files: [] });
    await assert.rejects(open(body.message, session.identity)); // not to the reply key
  });

  it("signs again for the new number when a team message took its number meanwhile", async () => {
    const { session, server, client } = await world();
    server.racing = 1;
    const result = await sendReply(client, session, request());
    assert.deepEqual(result, { seq: 2, files: [] });
    const [{ body }] = server.posted;
    assert.equal(body.seq, 2);
    const statement = await placedMessageStatement("k3v92m7qx0ab4fzt", 2, new Uint8Array(Buffer.from(body.message, "base64")));
    assert.ok(ed25519.verify(Buffer.from(body.signature, "hex"), statement, ed25519.getPublicKey(session.signingSeed)));
    assert.equal(server.count("message"), 2, "the first post was refused, the second signed anew");
  });

  it("gives up after three moved threads, with the server's thread_moved", async () => {
    const { session, server, client } = await world();
    server.racing = 5;
    await assert.rejects(sendReply(client, session, request()), (err) => err.code === "thread_moved");
    assert.equal(server.count("message"), 3);
  });

  it("uploads files in segments, then sends their manifest with the message", async () => {
    const { session, server, client } = await world();
    const big = new File([new Uint8Array(100 * KiB).fill(7)], "rekaman.bin");
    const small = new File([new TextEncoder().encode("catatan")], "catatan.txt", { type: "text/plain" });
    const events = [];
    const result = await sendReply(client, session, request({ text: "", files: [big, small] }), { onEvent: (e) => events.push(e) });
    assert.deepEqual(result, { seq: 1, files: [7, 8] });
    const [{ route, body }] = server.posted;
    assert.equal(route, "evidence");
    assert.match(body.upload, /^[0-9a-f]{32}$/);
    assert.deepEqual(body.segments.map((s) => [s.file, s.index]), [[0, 0], [0, 1], [1, 0]]);
    assert.equal(body.seq, 1);
    const manifestStatement = await placedMessageStatement("k3v92m7qx0ab4fzt", 1, new Uint8Array(Buffer.from(body.manifest, "base64")));
    assert.ok(ed25519.verify(Buffer.from(body.signature, "hex"), manifestStatement, ed25519.getPublicKey(session.signingSeed)));
    const doc = JSON.parse(await open(body.manifest, keys.team[0]));
    assert.equal(doc.text, "");
    assert.deepEqual(doc.files.map((f) => [f.name, f.size, f.segments.length]), [["rekaman.bin", 100 * KiB, 2], ["catatan.txt", 7, 1]]);
    for (const s of body.segments) {
      const stored = server.objects.get(`staging/${body.upload}/${s.file}/${s.index}.age`);
      assert.equal(createHash("sha256").update(stored).digest("hex"), s.sha256);
      assert.equal(doc.files[s.file].segments[s.index].sha256, s.sha256);
    }
    assert.ok(events.some((e) => e.type === "phase"));
  });

  it("refuses before sending: nothing written, a classic key, a file too large", async () => {
    const { session, server, client } = await world();
    await assert.rejects(sendReply(client, session, request({ text: "   " })), (err) => err.key === "reply_empty");
    const classic = await identityToRecipient(await generateX25519Identity());
    await assert.rejects(sendReply(client, session, request({ spec: { report_recipients: [classic] } })), /post-quantum/);
    const huge = new File([new Uint8Array(LIMITS.file_max_bytes + 1)], "besar.bin");
    await assert.rejects(sendReply(client, session, request({ files: [huge] })), (err) => err.key === "file_too_large");
    assert.equal(server.requests.length, 0);
  });
});

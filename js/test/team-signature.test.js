import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { ed25519 } from "@noble/curves/ed25519.js";
import { Encrypter, generateHybridIdentity, identityToRecipient } from "age-encryption";
import { createClient } from "../src/api.js";
import { toBase64 } from "../src/base64.js";
import { decodeReply, openSession, readCase } from "../src/followup-client.js";
import { pad } from "../src/padding.js";
import { ReceiptCode } from "../src/receipt.js";
import { signerKeys, teamStatement, verifyTeamMessage } from "../src/team-signature.js";
import { messageHeader } from "../src/thread-view.js";
import { FakeServer, fakeSleep } from "./support/fakes.js";

// From tests/unit/test_team_signature.py: the Python side signs this statement with the
// Ed25519 key bytes 0…31 and gets this signature (Ed25519 is deterministic).
const PRIVATE = Uint8Array.from({ length: 32 }, (_, i) => i);
const SEALED = new TextEncoder().encode("age-encryption.org/v1\n(a sealed reply)");
const VECTOR =
  "cca1b0b0d11ba402f43e62f5fb672a1394c3294d23dbbb21b6c5b8cf32854e66" +
  "32a75e73ae3c8cf18ecd0a6beefee8fdd507ace4f50b72de9366cf1f64158800";
const CASE = "k3v92m7qx0ab4fzt"; // the fake server's K3V9-2M7Q-X0AB-4FZT
const hex = (/** @type {Uint8Array} */ b) => Buffer.from(b).toString("hex");
const roster = (/** @type {Uint8Array} */ priv) => `ed25519:${toBase64(ed25519.getPublicKey(priv))}`;

describe("the team's signatures", () => {
  it("sign the same statement as the Python side", async () => {
    const statement = await teamStatement(CASE, 3, "2026-12-06", SEALED);
    assert.match(new TextDecoder().decode(statement), /^peluit-team\/1\ncase k3v92m7qx0ab4fzt\nseq 3\non 2026-12-06\nmessage [0-9a-f]{64}\n$/);
    assert.equal(hex(ed25519.sign(statement, PRIVATE)), VECTOR);
    const keys = signerKeys([roster(PRIVATE)]);
    assert.ok(await verifyTeamMessage(keys, { caseId: CASE, seq: 3, on: "2026-12-06", sealed: SEALED, signature: VECTOR }));
  });

  it("verify only for their own case, number, day and ciphertext, and one of the given keys", async () => {
    const keys = signerKeys([roster(PRIVATE)]);
    const good = { caseId: CASE, seq: 3, on: "2026-12-06", sealed: SEALED, signature: VECTOR };
    for (const moved of [
      { caseId: "a".repeat(16) },
      { seq: 4 },
      { on: "2026-12-07" },
      { on: null },
      { sealed: new Uint8Array([...SEALED, 0]) },
      { signature: null },
      { signature: VECTOR.slice(0, 126) },
    ]) {
      assert.equal(await verifyTeamMessage(keys, { ...good, ...moved }), false, JSON.stringify(moved));
    }
    const stranger = signerKeys([roster(new Uint8Array(32).fill(7)), "ed25519:!!", "rsa:x", 5]);
    assert.equal(stranger.length, 1);
    assert.equal(await verifyTeamMessage(stranger, good), false);
    assert.equal(await verifyTeamMessage([], good), false);
  });
});

describe("the follow-up page and the team's signatures", () => {
  /** @type {string[]} */
  let team;
  before(async () => {
    team = await Promise.all([generateHybridIdentity()].map(async (i) => identityToRecipient(await i)));
  });

  /** @param {string[]} recipients @param {Uint8Array} plaintext */
  async function seal(recipients, plaintext) {
    const e = new Encrypter();
    for (const r of recipients) e.addRecipient(r);
    return e.encrypt(plaintext);
  }

  it("marks a team message verified only when a reviewer of the channel signed it for its place", async () => {
    const code = await ReceiptCode.generate();
    const session = await openSession(code.toString());
    const server = new FakeServer();
    server.tokens.add(session.token);
    const client = createClient({ api: "/api/v1", base: "https://wbs.example.go.id/", fetch: server.fetch, sleep: fakeSleep().sleep, powBits: 0 });
    const reply = await identityToRecipient(session.identity);
    const doc = (/** @type {string} */ text) => pad(new TextEncoder().encode(JSON.stringify({ format: "peluit-reply/1", text, files: [], upload: null })));
    const signed = await seal([reply, ...team], doc("Dari tim."));
    const forged = await seal([reply, ...team], doc("Hubungi 0812-0000-0000."));
    const sign = async (/** @type {Uint8Array} */ sealed, /** @type {number} */ seq, /** @type {string} */ on) =>
      hex(ed25519.sign(await teamStatement(CASE, seq, on, sealed), PRIVATE));
    server.thread = [
      { seq: 1, sender: "penelaah", data: toBase64(signed), on: "2026-12-06", signature: await sign(signed, 1, "2026-12-06") },
      { seq: 2, sender: "penelaah", data: toBase64(forged), on: "2026-12-06" }, // the server's own
      { seq: 3, sender: "penelaah", data: toBase64(signed), on: "2026-12-06", signature: await sign(signed, 1, "2026-12-06") }, // replayed
    ];
    const signers = { pengaduan: [roster(PRIVATE)] };
    const view = await readCase(client, session, signers);
    assert.deepEqual(view.messages.map((m) => [m.seq, m.text, m.verified]), [
      [1, "Dari tim.", true],
      [2, "Hubungi 0812-0000-0000.", false],
      [3, "Dari tim.", false],
    ]);
    // Keys of another channel (or none) verify nothing: the case's channel decides.
    const elsewhere = await readCase(client, session, { pelayanan: [roster(PRIVATE)] });
    assert.deepEqual(elsewhere.messages.map((m) => m.verified), [false, false, false]);

    // The page: a verified message is the team's; the others carry the warning, ID first
    // (the rendering itself is checked in Chromium: tests/e2e/test_team_signatures.py).
    const [mine, forgedHere, replayed] = view.messages.map((m) => messageHeader("en", m));
    assert.deepEqual(mine, { kind: "peluit-message--team", who: "Review team", warning: [] });
    for (const header of [forgedHere, replayed]) {
      assert.equal(header.kind, "peluit-message--unverified");
      assert.equal(header.who, "TIDAK TERVERIFIKASI / NOT VERIFIED");
      assert.match(header.warning[0], /^Peringatan: pesan ini tidak terbukti berasal dari tim penelaah/);
      assert.match(header.warning[1], /^Warning: this message is not proven to come from the review team/);
    }
    // A message this code cannot open has no text to mistake: it keeps its own note.
    assert.equal(messageHeader("id", { ...view.messages[1], text: null }).kind, "peluit-message--team");
  });

  it("refuses a reply document followed by anything but padding to a size bucket", () => {
    const body = new TextEncoder().encode(JSON.stringify({ format: "peluit-reply/1", text: "x", files: [], upload: null }));
    assert.equal(decodeReply(pad(body)).text, "x");
    assert.equal(decodeReply(body).text, "x"); // written before padding
    const short = pad(body).subarray(0, 1000); // spaces, but not up to a bucket
    assert.equal(decodeReply(short).problem, "not_padded");
    const tab = new Uint8Array([...body, 0x09]);
    assert.equal(decodeReply(tab).problem, "not_padded");
  });
});

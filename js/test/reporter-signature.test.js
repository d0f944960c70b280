import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ed25519 } from "@noble/curves/ed25519.js";
import { ReceiptCode } from "../src/receipt.js";
import {
  STATEMENT,
  caseIdOf,
  caseIdOfReference,
  finalizeStatement,
  messageStatement,
  placedMessageStatement,
  publicKey,
  reportStatement,
  sign,
} from "../src/reporter-signature.js";

// From peluit/core/receipt.py and peluit/core/reporter_signature.py for the same code: the two
// implementations derive the same key and write the same signature (Ed25519 is deterministic).
const CODE = "0004-1061-050R-3GG2-8A1C-60T3-GFP";
const PUBLIC_KEY = "2c9444d0d9839f4d0b12c73e3cc37a71088fc424c533f836604b3d5da5c96e3a";
const SIGNATURE_OVER_ABC =
  "2d2286b720f7ec67350e7a8338d0d692380c44cd2ab66cf6b670871040709cbf0fe4bbacc0d58767a6b03ad1461c763d2a91661587e4b04f2eb9446fa61baf0c";
const fromHex = (/** @type {string} */ hex) => Uint8Array.from(Buffer.from(hex, "hex"));

describe("the reporter's signatures", () => {
  it("derive the key from the receipt code and sign exactly as the Python side", async () => {
    const seed = await (await ReceiptCode.parse(CODE)).signingSeed();
    assert.equal(publicKey(seed), PUBLIC_KEY);
    const statement = await messageStatement(new TextEncoder().encode("abc"));
    assert.equal(
      new TextDecoder().decode(statement),
      "peluit-reporter/1\nmessage ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\n",
    );
    assert.equal(sign(seed, statement), SIGNATURE_OVER_ABC);
  });

  it("sign the report with the identity block's hash, or '-' without one", async () => {
    const report = new TextEncoder().encode("abc");
    const without = new TextDecoder().decode(await reportStatement(report, null));
    assert.match(without, /^peluit-reporter\/1\nreport ba7816bf[0-9a-f]{56}\nidentity -\n$/);
    const withBlock = await reportStatement(report, new Uint8Array(0));
    assert.match(new TextDecoder().decode(withBlock), /\nidentity e3b0c442[0-9a-f]{56}\n$/);
    const seed = await (await ReceiptCode.parse(CODE)).signingSeed();
    const signature = fromHex(sign(seed, withBlock));
    assert.ok(ed25519.verify(signature, withBlock, fromHex(PUBLIC_KEY)));
    assert.ok(!ed25519.verify(signature, await reportStatement(report, null), fromHex(PUBLIC_KEY)));
  });
});

// Version 2 (ADR 0042), from peluit/core/ids.py and peluit/core/reporter_signature.py: the same
// case id for the same submission id, and the same statements and signatures.
const SUBMISSION = "00112233445566778899aabbccddeeff";
const CASE = "xy8ve6x6z8nrj40z";
const FINALIZE_SHA256 = "25732a6e5c8fad44914bea393712318e825ceaa9d6e3ffe40f6d10a1a0ce4618";
const FINALIZE_SIGNATURE =
  "1685b083a85fab44a8ee2741b8ece8abbe55f6c76948b60b6b101488e1ffafd919c2859af30649010f81396263395de95be75d1b248db86fe86bb07625deb10d";
const MESSAGE_7_SIGNATURE =
  "a2d557b06815a73b27b8e8cfad142f40a3364eeba488a3510a6c297e84caaa50d2e2d8d8a36f2516ac456b8edc746521301730327df7af0eab7ff2a10a2a6d05";

describe("the reporter's version-2 statements", () => {
  it("compute the case id from the submission id as the server does", async () => {
    assert.equal(await caseIdOf(SUBMISSION), CASE);
    assert.equal(caseIdOfReference("XY8V-E6X6-Z8NR-J40Z"), CASE);
    await assert.rejects(caseIdOf("not hex"));
    assert.throws(() => caseIdOfReference("XY8V-E6X6"));
  });

  it("bind the case and the reply key at finalization, signed exactly as the Python side", async () => {
    const code = await ReceiptCode.parse(CODE);
    const seed = await code.signingSeed();
    const reply = await code.replyRecipient();
    const statement = await finalizeStatement(CASE, new TextEncoder().encode("abc"), null, reply);
    const text = new TextDecoder().decode(statement);
    assert.equal(text, `peluit-reporter/2\ncase ${CASE}\nreport ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\nidentity -\nreply ${reply}\n`);
    assert.equal(Buffer.from(await crypto.subtle.digest("SHA-256", statement)).toString("hex"), FINALIZE_SHA256);
    assert.equal(sign(seed, statement), FINALIZE_SIGNATURE);
    assert.equal(STATEMENT, 2);
    // another reply key is another statement: the signature does not cover it
    const swapped = await finalizeStatement(CASE, new TextEncoder().encode("abc"), null, reply.replace(/.$/, "q"));
    assert.ok(!ed25519.verify(fromHex(FINALIZE_SIGNATURE), swapped, fromHex(PUBLIC_KEY)));
    await assert.rejects(finalizeStatement(CASE, new Uint8Array(0), null, "age1 with spaces"));
  });

  it("bind a message to its case and number", async () => {
    const seed = await (await ReceiptCode.parse(CODE)).signingSeed();
    const abc = new TextEncoder().encode("abc");
    const statement = await placedMessageStatement(CASE, 7, abc);
    assert.equal(
      new TextDecoder().decode(statement),
      `peluit-reporter/2\ncase ${CASE}\nseq 7\nmessage ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\n`,
    );
    assert.equal(sign(seed, statement), MESSAGE_7_SIGNATURE);
    const moved = await placedMessageStatement(CASE, 8, abc);
    assert.ok(!ed25519.verify(fromHex(MESSAGE_7_SIGNATURE), moved, fromHex(PUBLIC_KEY)));
    const elsewhere = await placedMessageStatement("0000000000000000", 7, abc);
    assert.ok(!ed25519.verify(fromHex(MESSAGE_7_SIGNATURE), elsewhere, fromHex(PUBLIC_KEY)));
    await assert.rejects(placedMessageStatement(CASE, 0, abc));
    await assert.rejects(placedMessageStatement("ABC", 1, abc));
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ed25519 } from "@noble/curves/ed25519.js";
import { ReceiptCode } from "../src/receipt.js";
import { messageStatement, publicKey, reportStatement, sign } from "../src/reporter-signature.js";

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

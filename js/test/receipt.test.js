import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { Decrypter, Encrypter } from "age-encryption";
import { sha256Hex } from "../src/digest.js";
import { ALPHABET, ReceiptCode, ReceiptCodeError } from "../src/receipt.js";

const VECTORS = JSON.parse(
  readFileSync(new URL("../../tests/vectors/receipt-v1.json", import.meta.url), "utf8"),
).vectors;

/** @param {string} hex */
const bytes = (hex) => Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16));

describe("receipt code", () => {
  it("matches the committed known answers (shared with the Python implementation)", async () => {
    for (const v of VECTORS) {
      const code = await ReceiptCode.fromSecret(bytes(v.secret));
      assert.equal(code.toString(), v.code);
      assert.equal(Buffer.from(await code.lookupToken()).toString("hex"), v.lookup_token);
      assert.equal(await code.lookupHash(), v.lookup_hash);
      assert.equal(await code.replyIdentity(), v.reply_identity);
      const recipient = await code.replyRecipient();
      assert.equal(recipient.length, v.reply_recipient_length);
      assert.equal(await sha256Hex(new TextEncoder().encode(recipient)), v.reply_recipient_sha256);
    }
  });

  it("generates 16 random bytes shown as 27 characters in groups of four", async () => {
    const a = await ReceiptCode.generate();
    const b = await ReceiptCode.generate();
    assert.match(a.toString(), /^([0-9A-HJKMNP-TV-Z]{4}-){6}[0-9A-HJKMNP-TV-Z]{3}$/);
    assert.equal(a.secret.length, 16);
    assert.notEqual(a.toString(), b.toString());
  });

  it("round-trips through parse, ignoring case, dashes, spaces, tabs and newlines", async () => {
    for (let i = 0; i < 50; i++) {
      const code = await ReceiptCode.generate();
      const text = code.toString();
      for (const variant of [text, text.toLowerCase(), text.replaceAll("-", ""), text.replaceAll("-", " "), ` ${text.replaceAll("-", "\t")}\n`]) {
        assert.deepEqual((await ReceiptCode.parse(variant)).secret, code.secret);
      }
    }
  });

  it("reads O as 0 and I and L as 1", async () => {
    const v = VECTORS[1]; // all zeros
    const code = await ReceiptCode.parse(v.code.replaceAll("0", "o"));
    assert.deepEqual(code.secret, bytes(v.secret));
    const ones = await ReceiptCode.fromSecret(bytes("0000000000000000000000000000001f"));
    const text = ones.toString();
    assert.equal((await ReceiptCode.parse(text.replace(/1/g, "I"))).toString(), text);
    assert.equal((await ReceiptCode.parse(text.replace(/1/g, "l"))).toString(), text);
  });

  it("refuses a wrong length, a foreign character, a value over 128 bits and a wrong check", async () => {
    const text = VECTORS[0].code;
    const reason = async (/** @type {string} */ t) => {
      try {
        await ReceiptCode.parse(t);
      } catch (err) {
        assert.ok(err instanceof ReceiptCodeError);
        return err.reason;
      }
      return "accepted";
    };
    assert.equal(await reason(text.slice(0, -1)), "length");
    assert.equal(await reason(`${text}0`), "length");
    assert.equal(await reason(""), "length");
    assert.equal(await reason(text.replace("R", "U")), "character");
    assert.equal(await reason(text.replace("R", "*")), "character");
    assert.equal(await reason(`8${text.slice(1)}`), "range");
    assert.equal(await reason(text.slice(0, -1) + (text.endsWith("0") ? "1" : "0")), "check");
  });

  it("catches almost every single-character typo with its check character", async () => {
    let caught = 0;
    let total = 0;
    for (let n = 0; n < 40; n++) {
      const chars = (await ReceiptCode.generate()).toString().replaceAll("-", "").split("");
      const position = n % chars.length;
      for (const replacement of ALPHABET) {
        if (replacement === chars[position]) continue;
        const typo = chars.slice();
        typo[position] = replacement;
        total++;
        try {
          await ReceiptCode.parse(typo.join(""));
        } catch {
          caught++;
        }
      }
    }
    assert.ok(caught / total >= 0.9, `caught ${caught} of ${total}`);
  });

  it("gives a reply identity that opens what is encrypted to its recipient", async () => {
    const code = await ReceiptCode.generate();
    const encrypter = new Encrypter();
    encrypter.addRecipient(await code.replyRecipient());
    const ciphertext = await encrypter.encrypt("balasan");
    const decrypter = new Decrypter();
    decrypter.addIdentity(await code.replyIdentity());
    assert.equal(await decrypter.decrypt(ciphertext, "text"), "balasan");
  });

  it("refuses a secret that is not 16 bytes", async () => {
    await assert.rejects(ReceiptCode.fromSecret(new Uint8Array(15)), TypeError);
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Decrypter, generateHybridIdentity, generateX25519Identity, identityToRecipient } from "age-encryption";
import { RecipientPolicyError, checkRecipients, encryptTo, hybridFileSize } from "../src/encrypt.js";

const hybrid = async () => {
  const identity = await generateHybridIdentity();
  return { identity, recipient: await identityToRecipient(identity) };
};

describe("encryption under the recipient policy", () => {
  it("encrypts to several hybrid recipients, each of whom can decrypt", async () => {
    const people = [await hybrid(), await hybrid()];
    const plaintext = Uint8Array.from({ length: 70000 }, (_, i) => (i * 7919) & 255);
    const ciphertext = await encryptTo(people.map((p) => p.recipient), plaintext);
    assert.equal(ciphertext.length, hybridFileSize(2, plaintext.length));
    for (const p of people) {
      const d = new Decrypter();
      d.addIdentity(p.identity);
      assert.deepEqual(await d.decrypt(ciphertext), plaintext);
    }
  });

  it("computes the exact size of hybrid age files", () => {
    // header 22 + 1557 n + 48, nonce 16, a 16-byte tag per started 64 KiB chunk (at least one)
    assert.equal(hybridFileSize(1, 0), 22 + 1557 + 48 + 16 + 16);
    assert.equal(hybridFileSize(3, 65536), 22 + 3 * 1557 + 48 + 16 + 65536 + 16);
    assert.equal(hybridFileSize(3, 65537), 22 + 3 * 1557 + 48 + 16 + 65537 + 32);
  });

  it("refuses classic recipients, a mix, an empty list and malformed keys", async () => {
    const classic = await identityToRecipient(await generateX25519Identity());
    const { recipient } = await hybrid();
    await assert.rejects(encryptTo([classic], new Uint8Array(1)), /not post-quantum/);
    await assert.rejects(encryptTo([recipient, classic], new Uint8Array(1)), /mixed/);
    await assert.rejects(encryptTo([], new Uint8Array(1)), RecipientPolicyError);
    const broken = `${recipient.slice(0, -1)}${recipient.endsWith("q") ? "p" : "q"}`; // a bad checksum
    await assert.rejects(encryptTo([broken], new Uint8Array(1)), RecipientPolicyError);
    assert.throws(() => checkRecipients("age1pq1…"), RecipientPolicyError);
    assert.throws(() => checkRecipients([recipient, 7]), RecipientPolicyError);
  });
});

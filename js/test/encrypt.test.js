import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Decrypter, generateHybridIdentity, generateX25519Identity, identityToRecipient } from "age-encryption";
import { EncryptionError, FileChangedError, RecipientPolicyError, checkRecipients, encryptBlob, encryptTo, hybridFileSize } from "../src/encrypt.js";

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

  it("streams a Blob into the caller's buffer, which serves segment after segment", async () => {
    const people = [await hybrid(), await hybrid()];
    const recipients = people.map((p) => p.recipient);
    const data = Uint8Array.from({ length: 200_000 }, (_, i) => (i * 31) & 255);
    const file = new Blob([data]);
    const buffer = new Uint8Array(hybridFileSize(2, 131_072));
    const first = await encryptBlob(recipients, file.slice(0, 131_072), buffer);
    assert.equal(first.buffer, buffer.buffer, "written into the buffer given");
    assert.equal(first.length, hybridFileSize(2, 131_072));
    const firstCopy = first.slice();
    const second = await encryptBlob(recipients, file.slice(131_072), buffer);
    assert.equal(second.buffer, buffer.buffer);
    for (const [ciphertext, plaintext] of [[firstCopy, data.subarray(0, 131_072)], [second, data.subarray(131_072)]]) {
      for (const p of people) {
        const d = new Decrypter();
        d.addIdentity(p.identity);
        assert.deepEqual(await d.decrypt(ciphertext), plaintext);
      }
    }
    const small = await encryptBlob(recipients, file, new Uint8Array(10));
    assert.notEqual(small.buffer.byteLength, 10, "a buffer too small is not used");
    assert.equal(small.length, hybridFileSize(2, data.length));
    const empty = await encryptBlob(recipients, new Blob([]));
    assert.equal(empty.length, hybridFileSize(2, 0));
  });

  it("refuses a file that changes while it is read, and the policy's refusals still hold", async () => {
    const { recipient } = await hybrid();
    /** @param {number} size @param {Uint8Array[]} chunks @param {boolean} [fail] a Blob-like that lies */
    const lying = (size, chunks, fail = false) =>
      /** @type {Blob} */ (/** @type {unknown} */ ({
        size,
        stream: () =>
          new ReadableStream({
            start(controller) {
              chunks.forEach((c) => controller.enqueue(c));
              if (fail) controller.error(new DOMException("gone", "NotReadableError"));
              else controller.close();
            },
          }),
      }));
    await assert.rejects(encryptBlob([recipient], lying(100, [new Uint8Array(60)])), FileChangedError);
    await assert.rejects(encryptBlob([recipient], lying(10, [new Uint8Array(70_000)])), FileChangedError);
    await assert.rejects(encryptBlob([recipient], lying(100, [new Uint8Array(50)], true)), FileChangedError);
    // a failure that is not the browser's file reading is an encryption failure
    const broken = /** @type {Blob} */ (/** @type {unknown} */ ({
      size: 10,
      stream: () => new ReadableStream({ pull: (controller) => controller.error(new TypeError("boom")) }),
    }));
    await assert.rejects(encryptBlob([recipient], broken), EncryptionError);
    const classic = await identityToRecipient(await generateX25519Identity());
    await assert.rejects(encryptBlob([classic], new Blob([new Uint8Array(1)])), /not post-quantum/);
  });
});

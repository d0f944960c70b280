import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { encodeDocument, fileEntry, fileName, identityDocument, reportDocument } from "../src/report.js";

const SHA = "ab".repeat(32);

describe("report documents", () => {
  it("builds peluit-report/1 with answers, identity choice and the manifest", () => {
    const doc = reportDocument({
      channel: "pengaduan",
      lang: "id",
      answers: { what: "Volume pekerjaan dikurangi.", loss: "1500000", consent_reward: false, how: null },
      identityChoice: "anonymous",
      files: [{ ...fileEntry({ name: "kontrak.pdf", type: "application/pdf", size: 10 }, [{ size: 4779, sha256: SHA }]) }],
    });
    assert.deepEqual(doc, {
      format: "peluit-report/1",
      channel: "pengaduan",
      lang: "id",
      answers: { what: "Volume pekerjaan dikurangi.", loss: "1500000", consent_reward: false, how: null },
      identity_choice: "anonymous",
      identity: null,
      files: [{ name: "kontrak.pdf", type: "application/pdf", size: 10, segments: [{ size: 4779, sha256: SHA }] }],
    });
  });

  it("carries identity fields in the report only when the reporter chose open", () => {
    const open = reportDocument({ channel: "c", lang: "en", answers: {}, identityChoice: "open", identity: { reporter_name: "Ani" } });
    assert.deepEqual(open.identity, { reporter_name: "Ani" });
    assert.throws(() => reportDocument({ channel: "c", lang: "en", answers: {}, identityChoice: "open" }), TypeError);
    assert.throws(
      () => reportDocument({ channel: "c", lang: "en", answers: {}, identityChoice: "confidential", identity: { a: "b" } }),
      TypeError,
    );
  });

  it("refuses what the Python model would refuse", () => {
    const base = { channel: "c", lang: "id", answers: {}, identityChoice: "anonymous" };
    assert.throws(() => reportDocument({ ...base, lang: "fr" }), TypeError);
    assert.throws(() => reportDocument({ ...base, identityChoice: "secret" }), TypeError);
    assert.throws(() => reportDocument({ ...base, answers: { n: 5 } }), TypeError);
    assert.throws(() => reportDocument({ ...base, answers: [] }), TypeError);
    assert.throws(() => fileEntry({ name: "a", size: 1 }, [{ size: 0, sha256: SHA }]), TypeError);
    assert.throws(() => fileEntry({ name: "a", size: 1 }, [{ size: 1, sha256: SHA.toUpperCase() }]), TypeError);
  });

  it("builds peluit-identity/1", () => {
    assert.deepEqual(identityDocument({ channel: "gratifikasi", fields: { reporter_nik: "1504012345670001" } }), {
      format: "peluit-identity/1",
      channel: "gratifikasi",
      fields: { reporter_nik: "1504012345670001" },
    });
  });

  it("names the case the identity block is sent with, and refuses what is not a case id", () => {
    const doc = identityDocument({ channel: "pengaduan", fields: { reporter_name: "Siti" }, caseId: "abcdefghjkmnpqrs" });
    assert.equal(doc.case, "abcdefghjkmnpqrs");
    assert.throws(() => identityDocument({ channel: "pengaduan", fields: {}, caseId: "ABCDEFGHJKMNPQRS" }), TypeError);
    assert.throws(() => identityDocument({ channel: "pengaduan", fields: {}, caseId: "abcdefghijklmnop" }), TypeError);
  });

  it("keeps file names within 255 characters, with their extension, and never empty", () => {
    const long = fileName(`${"é".repeat(300)}.jpeg`);
    assert.equal(Array.from(long).length, 255);
    assert.ok(long.endsWith("….jpeg"));
    assert.equal(fileName(""), "lampiran");
    assert.equal(fileName("foto.jpg"), "foto.jpg");
    assert.equal(fileEntry({ name: "x", type: "", size: 0 }, []).type, "application/octet-stream");
  });

  it("encodes as UTF-8 JSON", () => {
    const doc = identityDocument({ channel: "c", fields: { name: "Siti Nur’aini" } });
    assert.deepEqual(JSON.parse(new TextDecoder().decode(encodeDocument(doc))), doc);
  });
});

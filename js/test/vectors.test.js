// The known answers in tests/vectors/ (canonical JSON, case ids, staging claims, the audit chain),
// checked by a second implementation written from the rules alone, with node:crypto and nothing
// of Peluit's. The browser computes none of these (the server does: peluit/core/), so this is not a
// parity test of browser code: it shows that the committed answers follow the documented rules and
// are not just whatever Python printed. tests/unit/test_vectors.py checks Peluit's code against them.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";

/** @param {string} name */
const load = (name) =>
  JSON.parse(readFileSync(new URL(`../../tests/vectors/${name}`, import.meta.url), "utf8"));

/** @param {string | Uint8Array} data */
const sha256Hex = (data) => createHash("sha256").update(data).digest("hex");

const SHORT_ESCAPES = new Map([
  ['"', '\\"'],
  ["\\", "\\\\"],
  ["\b", "\\b"],
  ["\f", "\\f"],
  ["\n", "\\n"],
  ["\r", "\\r"],
  ["\t", "\\t"],
]);

/** A JSON string with every UTF-16 unit outside printable ASCII (0x20-0x7e) as \uXXXX, lower case. */
function quote(/** @type {string} */ text) {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    const unit = text.charCodeAt(i);
    const short = SHORT_ESCAPES.get(ch);
    if (short) out += short;
    else if (unit < 0x20 || unit > 0x7e) out += `\\u${unit.toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  return `${out}"`;
}

/** Compare by Unicode code point (what Python's sorted() does), not by UTF-16 unit. */
function byCodePoint(/** @type {string} */ a, /** @type {string} */ b) {
  const x = Array.from(a, (c) => /** @type {number} */ (c.codePointAt(0)));
  const y = Array.from(b, (c) => /** @type {number} */ (c.codePointAt(0)));
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

/** Canonical JSON as tests/vectors/README.md states it: sorted keys, no spaces, ASCII only. */
function canonical(/** @type {unknown} */ value) {
  if (value === null || typeof value === "boolean") return String(value);
  if (typeof value === "number") {
    assert.ok(Number.isSafeInteger(value), "canonical JSON here holds integers only");
    return String(value);
  }
  if (typeof value === "string") return quote(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  const object = /** @type {Record<string, unknown>} */ (value);
  const keys = Object.keys(object).sort(byCodePoint);
  return `{${keys.map((k) => `${quote(k)}:${canonical(object[k])}`).join(",")}}`;
}

const CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz";

function caseId(/** @type {string} */ submission) {
  const digest = createHash("sha256")
    .update(Buffer.concat([Buffer.from("peluit/case/v1\0"), Buffer.from(submission, "hex")]))
    .digest()
    .subarray(0, 10);
  let number = BigInt(`0x${digest.toString("hex")}`);
  let out = "";
  for (let i = 0; i < 16; i++) {
    out = CROCKFORD[Number(number & 31n)] + out;
    number >>= 5n;
  }
  return out;
}

describe("known answers (tests/vectors/)", () => {
  it("canonical JSON: an independent serializer writes the committed bytes", () => {
    const { vectors } = load("canonical-json-v1.json");
    assert.ok(vectors.length >= 8);
    for (const v of vectors) {
      assert.equal(canonical(v.value), v.canonical, v.name);
      assert.equal(sha256Hex(v.canonical), v.sha256, v.name);
    }
  });

  it("case ids: SHA-256 under the case label, 80 bits in Crockford base32, shown in fours", () => {
    const { vectors, not_submission_ids: malformed } = load("case-id-v1.json");
    for (const v of vectors) {
      assert.match(v.submission, /^[0-9a-f]{32}$/);
      assert.equal(caseId(v.submission), v.case);
      assert.equal(v.case.toUpperCase().match(/.{4}/g)?.join("-"), v.reference);
    }
    for (const text of malformed) assert.doesNotMatch(text, /^[0-9a-f]{32}$/);
  });

  it("staging claims: canonical JSON of the use and a labelled hash of the case", () => {
    for (const v of load("staging-claim-v1.json").vectors) {
      const digest = sha256Hex(`peluit/staging-claim/v1\0${v.case}`);
      assert.equal(digest, v.case_sha256);
      assert.equal(canonical({ version: 1, use: v.use, case: digest }), v.claim);
    }
  });

  it("audit chain: each event is canonical, numbered, dated in Jakarta and links to the one before", () => {
    const chain = load("audit-chain-v1.json");
    const day = new Intl.DateTimeFormat("en-CA", { timeZone: chain.timezone });
    let prev = "0".repeat(64);
    assert.equal(chain.genesis, prev);
    chain.events.forEach((/** @type {any} */ v, /** @type {number} */ seq) => {
      const event = JSON.parse(v.bytes);
      assert.equal(canonical(event), v.bytes);
      assert.deepEqual(event, {
        version: 1,
        seq,
        day: day.format(new Date(v.at)),
        actor: v.actor,
        action: v.action,
        case: v.case,
        prev,
        detail: v.detail,
      });
      assert.equal(sha256Hex(v.bytes), v.sha256);
      prev = v.sha256;
    });
    assert.equal(chain.head, prev);
  });
});

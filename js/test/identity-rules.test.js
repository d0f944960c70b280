import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { addWorkingDays, deadlinesFrom, identityProblems, nikDigits } from "../src/identity-rules.js";

// The example configuration's channels (peluit/config/example.toml), as channels.json has them.
const PENGADUAN = [
  { id: "what", kind: "textarea", required: true },
  { id: "reporter_name", kind: "text", identity: true, purpose: "name" },
  { id: "reporter_contact", kind: "text", identity: true, purpose: "contact" },
  { id: "consent_publication", kind: "boolean", purpose: "consent" },
  { id: "consent_reward", kind: "boolean", purpose: "consent" },
];
const GRATIFIKASI = [
  { id: "received_on", kind: "date", required: true },
  { id: "reporter_name", kind: "text", required: true, identity: true, purpose: "name" },
  { id: "reporter_nik", kind: "text", required: true, identity: true, purpose: "nik" },
  { id: "reporter_contact", kind: "text", required: true, identity: true, purpose: "contact" },
];
const HOLIDAYS_2026 = ["2026-01-01", "2026-05-01", "2026-06-01", "2026-08-17", "2026-12-25"];

const keys = (problems) => problems.map((p) => `${p.field}:${p.key}`);

describe("identity and consent", () => {
  it("refuses an anonymous report that asks for a reward or public recognition", () => {
    const answers = { what: "x", consent_reward: true, consent_publication: false };
    assert.deepEqual(keys(identityProblems(PENGADUAN, "anonymous", answers, {})), [
      "consent_reward:consent_needs_identity",
    ]);
    const both = { consent_reward: true, consent_publication: true };
    assert.equal(identityProblems(PENGADUAN, "anonymous", both, {}).length, 2);
  });

  it("accepts an anonymous report without consents", () => {
    assert.deepEqual(identityProblems(PENGADUAN, "anonymous", { what: "x", consent_reward: false }, {}), []);
    assert.deepEqual(identityProblems(PENGADUAN, "anonymous", { what: "x" }, {}), []);
  });

  it("needs a name and a way to reach a reporter who chose confidential or open", () => {
    for (const choice of ["confidential", "open"]) {
      const empty = { reporter_name: null, reporter_contact: null };
      assert.deepEqual(keys(identityProblems(PENGADUAN, choice, {}, empty)), [
        "reporter_name:name_needed",
        "reporter_contact:contact_needed",
      ]);
      const nameOnly = { reporter_name: "Siti", reporter_contact: "  " };
      assert.deepEqual(keys(identityProblems(PENGADUAN, choice, {}, nameOnly)), ["reporter_contact:contact_needed"]);
      const whole = { reporter_name: "Siti", reporter_contact: "0812" };
      assert.deepEqual(identityProblems(PENGADUAN, choice, { consent_reward: true }, whole), []);
    }
  });

  it("takes any identity field as a way to reach when none is marked as a contact", () => {
    const fields = [{ id: "phone", kind: "text", identity: true }, { id: "mail", kind: "text", identity: true }];
    assert.deepEqual(keys(identityProblems(fields, "confidential", {}, { phone: null, mail: null })), ["phone:contact_needed"]);
    assert.deepEqual(identityProblems(fields, "confidential", {}, { phone: null, mail: "a@b.id" }), []);
  });

  it("reads a NIK as exactly 16 digits, spaces and dots allowed between them", () => {
    assert.equal(nikDigits("1504010101010001"), "1504010101010001");
    assert.equal(nikDigits("1504 0101 0101 0001"), "1504010101010001");
    assert.equal(nikDigits("15.04.01.010101.0001"), "1504010101010001");
    assert.equal(nikDigits("150401010101000"), null);
    assert.equal(nikDigits("15040101010100012"), null);
    assert.equal(nikDigits("15040101010100O1"), null);
  });

  it("refuses a NIK that is not 16 digits, saying how many were written", () => {
    const identity = { reporter_name: "Budi", reporter_nik: "150401010101000", reporter_contact: "Jl. Sultan Thaha 1" };
    const [problem] = identityProblems(GRATIFIKASI, "confidential", {}, identity);
    assert.deepEqual(problem, { field: "reporter_nik", key: "nik", params: { n: 15 } });
    assert.deepEqual(identityProblems(GRATIFIKASI, "open", {}, { ...identity, reporter_nik: "1504010101010001" }), []);
  });
});

describe("working-day deadlines", () => {
  it("skips weekends and holidays, as peluit/core/dates.py add_working_days", () => {
    // Friday 2026-08-14: Monday the 17th is Independence Day.
    assert.equal(addWorkingDays("2026-08-14", 1, HOLIDAYS_2026), "2026-08-18");
    assert.equal(addWorkingDays("2026-08-14", 1, []), "2026-08-17");
    // A Saturday: the first working day after it is Monday.
    assert.equal(addWorkingDays("2026-12-05", 1, HOLIDAYS_2026), "2026-12-07");
    assert.equal(addWorkingDays("2026-12-05", 10, HOLIDAYS_2026), "2026-12-18");
    // Over Christmas (Friday 25 December); 1 January 2027 is not in this list, so it counts.
    assert.equal(addWorkingDays("2026-12-18", 10, HOLIDAYS_2026), "2027-01-04");
  });

  it("gives no day for something that is not a date", () => {
    assert.equal(addWorkingDays("", 10), null);
    assert.equal(addWorkingDays("2026-02-30", 10), null);
    assert.equal(addWorkingDays("17/08/2026", 10), null);
  });

  it("lists the deadlines of the date question that was answered", () => {
    const rules = [
      { from_field: "received_on", working_days: 10, label: "UPG" },
      { from_field: "received_on", working_days: 30, label: "KPK" },
      { from_field: "other", working_days: 5, label: "x" },
    ];
    assert.deepEqual(
      deadlinesFrom(rules, "received_on", "2026-12-01", HOLIDAYS_2026).map(({ rule, due }) => [rule.label, due]),
      [
        ["UPG", "2026-12-15"],
        ["KPK", "2027-01-13"],
      ],
    );
    assert.deepEqual(deadlinesFrom(rules, "received_on", "", HOLIDAYS_2026), []);
  });
});

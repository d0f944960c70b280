import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { countText, number, ordered, statsView } from "../src/stats-view.js";

const DOC = {
  format: "peluit-stats/1",
  organisation: { id: "Pemerintah Kabupaten Contoh", en: "Contoh Regency" },
  period: { start: null, end: "2026-11-30" },
  as_of: "2026-12-06",
  signer: "rina",
  channels: ["pengaduan"],
  counts: {
    cases: 212,
    by_channel: { pengaduan: 212 },
    by_status: { diterima: "<5", ditolak: 31 },
    by_month: { "2026-11": "≥5", "2026-12": "<5" },
    by_area: { pengadaan: 40, "tidak-diketahui": 0 },
    forwarded_to: { kpk: 12 },
    overdue: "<5",
  },
  acknowledgement: { decided: 200, on_time_percent: 87.5 },
  feedback: { decided: "<5", on_time_percent: null },
  median_working_days: { acknowledge: 2, close: 41.5 },
  labels: {
    channels: { pengaduan: { id: "Pengaduan", en: "Complaint" } },
    areas: { pengadaan: { id: "Pengadaan", en: "Procurement" } },
    statuses: { diterima: { id: "Diterima", en: "Received" }, ditolak: { id: "Ditolak", en: "Rejected" } },
  },
};

describe("the public statistics page's view", () => {
  it("shows suppressed counts as the document has them and names groups in the page's language", () => {
    const view = statsView(DOC, "en");
    assert.equal(view.title, "Report statistics — Contoh Regency");
    const status = view.tables[1];
    assert.deepEqual(status.rows, [["Received", "<5"], ["Rejected", "31"]]); // workflow order
    assert.deepEqual(view.tables[2].rows, [["2026-11", "≥5"], ["2026-12", "<5"]]);
    assert.deepEqual(view.tables[3].rows, [["Procurement", "40"], ["tidak-diketahui", "0"]]);
    assert.deepEqual(view.tables[4].rows, [["KPK", "12"]]);
    const facts = view.summary.rows;
    assert.ok(facts.some(([name, value]) => name === "Acknowledged on time" && value === "87.5 %"));
    assert.ok(facts.some(([name, value]) => name === "Feedback on time" && value === "—"));
    assert.match(view.note, /Signed by rina/);
  });

  it("says a withheld breakdown is not shown instead of showing an empty table", () => {
    const counts = { ...DOC.counts, by_area: null, forwarded_to: null };
    const view = statsView({ ...DOC, counts }, "id");
    assert.equal(view.tables[3].rows.length, 1);
    assert.match(view.tables[3].rows[0][0], /^Tidak ditampilkan/);
    assert.equal(view.tables[3].rows[0][1], "—");
    assert.match(statsView({ ...DOC, counts }, "en").tables[4].rows[0][0], /^Not shown/);
    assert.deepEqual(view.tables[0].rows, [["Pengaduan", "212"]]);
  });

  it("writes Indonesian decimals with a comma and an open start as 'awal'", () => {
    const view = statsView(DOC, "id");
    assert.deepEqual(view.summary.rows[0], ["Periode (tanggal diterima)", "awal – 2026-11-30"]);
    assert.equal(number(41.5, "id"), "41,5");
    assert.equal(countText(0), "0");
    assert.equal(view.tables[1].rows[0][0], "Diterima");
  });

  it("puts statuses back in the workflow's order and other groups largest first, hidden ones after", () => {
    // the stored document's keys are sorted; the page orders them for people
    assert.deepEqual(
      ordered({ ditolak: 3, diterima: 9, selesai: 0 }, true).map(([k]) => k),
      ["diterima", "selesai", "ditolak"],
    );
    assert.deepEqual(
      ordered({ a: "<5", "tanpa-bidang": 50, b: 7, c: "≥5", d: 0, e: 12 }).map(([k]) => k),
      ["e", "b", "c", "a", "d", "tanpa-bidang"],
    );
  });
});

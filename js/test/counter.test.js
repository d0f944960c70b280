import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { countState } from "../src/counter.js";
import { nextDeadline, timelineSteps } from "../src/status-timeline.js";
import { addWorkingDays } from "../src/identity-rules.js";
import { t } from "../src/messages.js";

describe("the character counter", () => {
  it("counts quietly, warns from 80 % of the limit and says how much is too much", () => {
    assert.deepEqual(countState(0, 5000).state, "ok");
    assert.deepEqual(countState(3999, 5000).state, "ok");
    assert.deepEqual(countState(4000, 5000), {
      state: "near",
      key: "counter_near",
      params: { n: 4000, max: 5000, left: 1000, over: -1000 },
    });
    assert.equal(countState(5000, 5000).state, "near"); // at the limit: still allowed
    const over = countState(5020, 5000);
    assert.equal(over.state, "over");
    assert.equal(t("id", over.key, over.params), "5020 dari 5000 karakter — kelebihan 20. Persingkat sebelum mengirim; tidak ada yang dipotong.");
    assert.match(t("en", over.key, over.params), /20 too many\. Shorten it before sending; nothing is cut\./);
  });
});

describe("the follow-up page's status timeline", () => {
  it("marks the steps before the current one as passed and the rest as to come", () => {
    assert.deepEqual(timelineSteps("ditelaah"), [
      { status: "diterima", state: "done" },
      { status: "diverifikasi", state: "done" },
      { status: "ditelaah", state: "current" },
      { status: "diteruskan", state: "todo" },
      { status: "selesai", state: "todo" },
    ]);
    assert.equal(timelineSteps("selesai").filter((s) => s.state === "done").length, 4);
  });

  it("shows a refused case as received, then not pursued (the history is not known)", () => {
    assert.deepEqual(timelineSteps("ditolak"), [
      { status: "diterima", state: "done" },
      { status: "ditolak", state: "current" },
    ]);
    assert.equal(t("id", "step_ditolak"), "Tidak dilanjutkan");
  });

  it("knows no steps for a status it does not know", () => {
    assert.deepEqual(timelineSteps("dibekukan"), []);
  });

  it("gives the first answer's due day while a case is received, counted in working days", () => {
    // Friday 14 August 2026; Monday the 17th is a holiday: 3 working days end on Thursday.
    assert.deepEqual(nextDeadline("diterima", "2026-08-14", { acknowledge_working_days: 3 }, ["2026-08-17"]), {
      due: "2026-08-20",
      days: 3,
    });
    assert.equal(addWorkingDays("2026-08-14", 3, []), "2026-08-19");
    assert.equal(nextDeadline("ditelaah", "2026-08-14", { acknowledge_working_days: 3 }, []), null);
    assert.equal(nextDeadline("diterima", "2026-08-14", undefined, []), null);
  });
});

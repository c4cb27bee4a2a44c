import assert from "node:assert/strict";
import { chinaMonth, chinaMonthRange, momentMix, nextMomentSync } from "../../server/domain/momentRules.ts";

const SENT = new Date("2026-12-07T02:00:00Z");
const after = (minutes: number) => new Date(SENT.getTime() + minutes * 60_000);
const next = (minutes: number, days = 3) => {
  const at = nextMomentSync(SENT, days, after(minutes));
  return at ? (at.getTime() - SENT.getTime()) / 60_000 : null;
};

describe("moment rules", () => {
  it("should taper the sync: every 10 minutes for 2 hours, hourly to a day, daily to the end of the period", () => {
    assert.equal(next(0), 10);
    assert.equal(next(13), 20, "on the grid from the send, not from a late run");
    assert.equal(next(115), 120);
    assert.equal(next(120), 180);
    assert.equal(next(23 * 60 + 30), 24 * 60);
    assert.equal(next(24 * 60), 48 * 60);
    assert.equal(next(49 * 60), 72 * 60, "the last look falls on the end of the period");
    assert.equal(next(72 * 60), null, "then it stops");
    assert.equal(next(20 * 60, 1), 21 * 60);
    assert.equal(next(23 * 60 + 30, 1), 24 * 60);
    assert.equal(next(24 * 60, 1), null);
  });

  it("should read months in China time", () => {
    assert.equal(chinaMonth(new Date("2026-11-30T16:30:00Z")), "2026-12", "00:30 on 1 December in Beijing");
    assert.deepEqual(chinaMonthRange("2026-12"), { start: new Date("2026-11-30T16:00:00Z"), end: new Date("2026-12-31T16:00:00Z") });
  });

  it("should warn only when ads pass 10%, and then say care is short of 70%", () => {
    assert.deepEqual(momentMix("2026-12", { care: 7, service: 2, ads: 1 }).warnings, []);
    assert.deepEqual(momentMix("2026-12", { care: 8, service: 0, ads: 2 }).warnings, ["广告占 20%，超过 10% 的建议上限"]);
    assert.deepEqual(momentMix("2026-12", { care: 0, service: 0, ads: 0 }).warnings, []);
  });
});

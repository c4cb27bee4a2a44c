import assert from "node:assert/strict";
import { DEFAULT_PROGRAM } from "../../server/domain/program.ts";
import { memberOccasions, SILENT_CATCH_UP_DAYS } from "../../server/domain/taskOccasions.ts";
import { DEFAULT_TASK_RULES } from "../../server/domain/taskRules.ts";
import { china } from "./support.ts";

const member = (fields: Record<string, unknown>) => ({ _id: "m1", ...fields });
const occasions = (fields: Record<string, unknown>, now: Date) => memberOccasions(member(fields), DEFAULT_TASK_RULES, DEFAULT_PROGRAM, now).map((found) => [found.id, found.dueAt.toISOString()]);

describe("when a member is due for a task (taskOccasions)", () => {
  it("should take next year's birthday across the new year, and 2月29日 on 2月28日 in other years", () => {
    assert.deepEqual(occasions({ birthday: "01-02" }, china("2026-12-31", "06:00")), [["birthday:m1:2027", china("2027-01-02", "10:00").toISOString()]]);
    assert.deepEqual(occasions({ birthday: "2000-02-29" }, china("2027-02-26", "06:00")), [["birthday:m1:2027", china("2027-02-28", "10:00").toISOString()]]);
    assert.deepEqual(occasions({ birthday: "2000-02-29" }, china("2028-02-27", "06:00")), [["birthday:m1:2028", china("2028-02-29", "10:00").toISOString()]]);
    assert.deepEqual(occasions({ birthday: "not a date" }, china("2026-03-10", "06:00")), []);
  });

  it("should find silence from the day the programme's window passed, up to a week late, and not after", () => {
    const metrics = { lastPurchaseAt: china("2025-12-10"), purchaseTimes: [china("2025-12-10")] };
    assert.deepEqual(occasions({ metrics }, china("2026-03-09", "06:00")), [], "89 days");
    const due = [["silent:m1:2025-12-10", china("2026-03-10", "15:00").toISOString()]];
    assert.deepEqual(occasions({ metrics }, china("2026-03-10", "06:00")), due);
    assert.deepEqual(occasions({ metrics }, new Date(china("2026-03-10", "06:00").getTime() + SILENT_CATCH_UP_DAYS * 86_400_000)), due, "the same key a week late");
    assert.deepEqual(occasions({ metrics }, new Date(china("2026-03-11", "06:00").getTime() + SILENT_CATCH_UP_DAYS * 86_400_000)), []);
  });

  it("should predict a repurchase only from three purchase days", () => {
    const two = { lastPurchaseAt: china("2026-02-10"), purchaseTimes: [china("2026-01-11"), china("2026-02-10")] };
    assert.deepEqual(occasions({ metrics: two }, china("2026-03-10", "06:00")), []);
    const three = { ...two, purchaseTimes: [china("2025-12-12"), ...two.purchaseTimes] };
    assert.deepEqual(occasions({ metrics: three }, china("2026-03-10", "06:00")), [["repurchaseDue:m1:2026-03-12", china("2026-03-12", "11:00").toISOString()]]);
  });
});

import assert from "node:assert/strict";
import { countCompletion } from "../../server/commands/completionRollup.ts";
import { readCompletion } from "../../server/commands/completionViews.ts";
import { CompletionDay } from "../../server/models/CompletionDay.ts";
import { resetDatabase } from "../support/hooks.ts";

const DAYS = ["2026-12-01", "2026-12-02"];
const fact = (key: string, day: string, adds: number) => countCompletion({ userId: "li.na", storeId: "101", regionId: "10", day, key, inc: { adds } });

describe("the dashboards' cache of completion days", () => {
  beforeEach(resetDatabase);

  it("reads a day again once it changed, and keeps the unchanged one", async () => {
    await fact("a", DAYS[0]!, 2);
    await fact("b", DAYS[1]!, 1);
    assert.equal((await readCompletion("store", ["101"], DAYS)).total.adds, 3);
    await fact("c", DAYS[1]!, 4);
    const read = await readCompletion("store", ["101"], DAYS);
    assert.deepEqual(read.trend.map((point) => point.figures.adds), [2, 5]);
    assert.deepEqual(read.children.map((child) => [child.ownerId, child.figures.adds]), [["li.na", 7]]);
  });

  it("does not take a day deleted and made again at the same version for the one it cached", async () => {
    await fact("a", DAYS[0]!, 2);
    assert.equal((await readCompletion("all", ["all"], DAYS)).total.adds, 2);
    await CompletionDay.deleteMany({});
    await fact("z", DAYS[0]!, 9);
    assert.equal((await readCompletion("all", ["all"], DAYS)).total.adds, 9);
  });
});

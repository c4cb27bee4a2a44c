import assert from "node:assert/strict";
import { assignCampaignGuides, cancelCampaignGuides, markCampaignGuideDone, markCampaignGuideFailed } from "../../server/commands/campaignCompletion.ts";
import { CompletionDay, completionDayId } from "../../server/models/CompletionDay.ts";
import { aRegionWithStores } from "../campaigns/directory.ts";
import { resetDatabase } from "../support/hooks.ts";

// 2026-03-01 10:00 in China; the guides act two days later.
const ASSIGNED = new Date("2026-03-01T02:00:00Z");
const LATER = new Date("2026-03-03T02:00:00Z");
const DAY = "2026-03-01";

const figures = async (level: "guide" | "store" | "region" | "all", ownerId: string, day = DAY) => (await CompletionDay.findById(completionDayId(level, ownerId, day)).lean())?.figures ?? {};

describe("campaign moves in the completion days", () => {
  beforeEach(async () => {
    await resetDatabase();
    await aRegionWithStores([
      ["g1", "导购一", 101],
      ["g2", "导购二", 101],
      ["g3", "导购三", 201],
    ]);
  });

  it("counts moments assigned and published, and mass messages assigned and sent, on the day the guide was assigned, once each", async () => {
    await assignCampaignGuides("moment", "m1", ["g1", "g2", "g3"], ASSIGNED);
    await assignCampaignGuides("mass", "s1", ["g1", "g3"], ASSIGNED);
    // A re-run of the assignment (after a crash) counts nothing new.
    await assignCampaignGuides("moment", "m1", ["g1", "g2", "g3"], ASSIGNED);
    await markCampaignGuideDone("moment", "m1", "g1", LATER);
    await markCampaignGuideDone("moment", "m1", "g1", LATER);
    await markCampaignGuideDone("mass", "s1", "g3", LATER);
    await markCampaignGuideFailed("moment", "m1", "g2", "无效的发送人", LATER);

    assert.deepEqual(
      [await figures("guide", "g1"), await figures("guide", "g2"), await figures("guide", "g3")].map((day) => [day.momentsAssigned, day.momentsPublished, day.massAssigned, day.massSent]),
      [
        [1, 1, 1, 0],
        [1, 0, 0, 0],
        [1, 0, 1, 1],
      ],
    );
    const store = await figures("store", "101");
    assert.deepEqual([store.momentsAssigned, store.momentsPublished, store.massAssigned], [2, 1, 1]);
    assert.equal((await figures("region", "10")).momentsAssigned, 2);
    const all = await figures("all", "all");
    assert.deepEqual([all.momentsAssigned, all.momentsPublished, all.massAssigned, all.massSent], [3, 1, 2, 1]);
    assert.equal(await CompletionDay.countDocuments({ day: "2026-03-03" }), 0, "nothing counts on the day the guide acted");
  });

  it("takes a cancelled campaign's open guides out of the assigned count, once", async () => {
    await assignCampaignGuides("moment", "m2", ["g1", "g2"], ASSIGNED);
    await markCampaignGuideDone("moment", "m2", "g1", LATER);
    await cancelCampaignGuides("moment", "m2", LATER);
    await cancelCampaignGuides("moment", "m2", LATER);
    const store = await figures("store", "101");
    assert.deepEqual([store.momentsAssigned, store.momentsPublished], [1, 1]);
  });
});

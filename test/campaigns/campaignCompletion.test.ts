import assert from "node:assert/strict";
import {
  assignCampaignGuides,
  campaignCompletion,
  cancelCampaignGuides,
  claimCampaignReminders,
  guidePlaces,
  markCampaignGuideDone,
  markCampaignGuideFailed,
  releaseCampaignReminders,
  retryCampaignGuide,
} from "../../server/commands/campaignCompletion.ts";
import { CampaignGuide, campaignGuideId, type CampaignKind } from "../../server/models/CampaignGuide.ts";
import { CampaignTally } from "../../server/models/CampaignTally.ts";
import { Employee } from "../../server/models/Employee.ts";
import { resetDatabase } from "../support/hooks.ts";
import { aRegionWithStores } from "./directory.ts";

// Guides spread over 静安店 and 徐汇店 (region 华东区) and 旗舰店 (no region): see directory.ts.
const STORES = [101, 102, 201];
const GUIDES = Array.from({ length: 12 }, (_, index) => `g${index}`);
const storeOf = (userId: string) => STORES[Number(userId.slice(1)) % STORES.length] as number;
const AT = new Date("2026-03-01T02:00:00Z");

const seedDirectory = () => aRegionWithStores(GUIDES.map((userId) => [userId, `导购${userId}`, storeOf(userId)]));

/** A small deterministic PRNG, so a failing interleaving can be replayed from its seed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

type Figures = { assigned: number; done: number; failed: number; cancelled: number };

/** What the tallies should say, counted from the guides themselves. */
async function recount(kind: CampaignKind, campaignId: string): Promise<Map<string, Figures>> {
  const guides = await CampaignGuide.find({ kind, campaignId }).lean();
  const levels = new Map<string, Figures>();
  const add = (scope: string, state: string) => {
    const figures = levels.get(scope) ?? { assigned: 0, done: 0, failed: 0, cancelled: 0 };
    figures.assigned += 1;
    if (state === "done" || state === "failed" || state === "cancelled") {
      figures[state] += 1;
    }
    levels.set(scope, figures);
  };
  for (const guide of guides) {
    add("all", guide.state);
    if (guide.storeId) {
      add(`store:${guide.storeId}`, guide.state);
    }
    if (guide.regionId) {
      add(`region:${guide.regionId}`, guide.state);
    }
  }
  return levels;
}

async function tallies(kind: CampaignKind, campaignId: string): Promise<Map<string, Figures>> {
  const stored = await CampaignTally.find({ kind, campaignId }).lean();
  return new Map(stored.map((tally) => [tally.scope, { assigned: tally.assigned, done: tally.done, failed: tally.failed, cancelled: tally.cancelled }]));
}

/** Put a guide where a move would put it, without the move's count: a process that died between the two. */
async function crashAfterGuideUpdate(kind: CampaignKind, campaignId: string, userId: string, operation: string): Promise<void> {
  const _id = campaignGuideId(kind, campaignId, userId);
  if (operation === "done") {
    await CampaignGuide.updateOne({ _id, state: "assigned" }, { $set: { state: "done", doneAt: AT } });
  } else if (operation === "fail") {
    await CampaignGuide.updateOne({ _id, state: "assigned" }, { $set: { state: "failed", failReason: "无效的发送人", doneAt: AT } });
  } else if (operation === "retry") {
    await CampaignGuide.updateOne({ _id, state: "failed" }, { $set: { state: "assigned", failReason: "", doneAt: null }, $inc: { attempt: 1 } });
  } else if (operation === "assign") {
    await CampaignGuide.collection.updateOne({ _id } as never, { $setOnInsert: { kind, campaignId, userId, storeId: String(storeOf(userId)), regionId: storeOf(userId) === 201 ? null : "10", state: "assigned", attempt: 1, assignedAt: AT, figures: {}, remindCount: 0, lastRemindedAt: null, doneAt: null, failReason: "" } }, { upsert: true });
  }
}

async function run(kind: CampaignKind, campaignId: string, operation: string, userId: string): Promise<void> {
  if (operation === "assign") {
    await assignCampaignGuides(kind, campaignId, [userId], AT);
  } else if (operation === "done") {
    await markCampaignGuideDone(kind, campaignId, userId, AT);
  } else if (operation === "fail") {
    await markCampaignGuideFailed(kind, campaignId, userId, "无效的发送人", AT);
  } else if (operation === "retry") {
    await retryCampaignGuide(kind, campaignId, userId);
  }
}

describe("campaign completion counted on write", () => {
  beforeEach(async () => {
    await resetDatabase();
    await seedDirectory();
  });

  it("should place a guide in their main department's store and the store's parent region, and no region under the root", async () => {
    await Employee.create({ userId: "wanderer", name: "无门店", departmentIds: [] });
    const places = await guidePlaces(["g0", "g2", "wanderer", "nobody"]);
    assert.deepEqual(places.get("g0"), { storeId: "101", regionId: "10" });
    assert.deepEqual(places.get("g2"), { storeId: "201", regionId: null });
    assert.deepEqual(places.get("wanderer"), { storeId: null, regionId: null });
    assert.deepEqual(places.get("nobody"), { storeId: null, regionId: null });
  });

  for (const seed of [1, 7, 42, 2026]) {
    it(`should keep every tally equal to a recount of the guides after a random interleaving with replays and crashes (seed ${seed})`, async () => {
      const next = random(seed);
      const pick = <T>(list: T[]) => list[Math.floor(next() * list.length)] as T;
      const kind: CampaignKind = seed % 2 === 0 ? "moment" : "mass";
      const campaignId = `c${seed}`;
      for (let step = 0; step < 160; step += 1) {
        const operation = pick(["assign", "assign", "done", "done", "fail", "retry", "retry"]);
        const userId = pick(GUIDES);
        const roll = next();
        if (roll < 0.25) {
          // The process died between the guide's move and its count; the job runs the call again.
          await crashAfterGuideUpdate(kind, campaignId, userId, operation);
          await run(kind, campaignId, operation, userId);
        } else if (roll < 0.5) {
          // The same call delivered twice (a retried job, a duplicated sync page).
          await run(kind, campaignId, operation, userId);
          await run(kind, campaignId, operation, userId);
        } else if (roll < 0.6) {
          // Two at once.
          await Promise.all([run(kind, campaignId, operation, userId), run(kind, campaignId, operation, userId)]);
        } else {
          await run(kind, campaignId, operation, userId);
        }
      }
      assert.deepEqual(await tallies(kind, campaignId), await recount(kind, campaignId));
      // Cancel half-way through (a crash after some guides moved), then cancel again.
      const open = await CampaignGuide.find({ kind, campaignId, state: "assigned" }).lean();
      for (const guide of open.slice(0, Math.ceil(open.length / 2))) {
        await CampaignGuide.updateOne({ _id: guide._id }, { $set: { state: "cancelled", doneAt: AT } });
      }
      await cancelCampaignGuides(kind, campaignId, AT);
      await cancelCampaignGuides(kind, campaignId, AT);
      assert.equal(await CampaignGuide.countDocuments({ kind, campaignId, state: "assigned" }), 0);
      assert.deepEqual(await tallies(kind, campaignId), await recount(kind, campaignId));
    });
  }

  it("should give the campaign's figures per store and region, and a manager only their stores summed", async () => {
    await assignCampaignGuides("moment", "m1", GUIDES, AT);
    await assignCampaignGuides("moment", "m1", GUIDES, AT);
    for (const userId of ["g0", "g3", "g1", "g2"]) {
      await markCampaignGuideDone("moment", "m1", userId, AT);
    }
    await markCampaignGuideFailed("moment", "m1", "g6", "不在可见范围", AT);
    const all = await campaignCompletion("moment", "m1", null);
    assert.deepEqual(all.all, { assigned: 12, done: 4, failed: 1, cancelled: 0, rate: 4 / 12 });
    const store101 = all.stores.find((store) => store.storeId === "101");
    // g0, g3, g6, g9 work in 101: two done, one failed.
    assert.deepEqual(store101, { storeId: "101", regionId: "10", assigned: 4, done: 2, failed: 1, cancelled: 0, rate: 0.5 });
    assert.deepEqual(all.regions, [{ regionId: "10", assigned: 8, done: 3, failed: 1, cancelled: 0, rate: 3 / 8 }]);
    assert.equal(all.stores.find((store) => store.storeId === "201")?.regionId, null);

    const manager = await campaignCompletion("moment", "m1", ["101", "201"]);
    assert.deepEqual(manager.all, { assigned: 8, done: 3, failed: 1, cancelled: 0, rate: 3 / 8 });
    assert.deepEqual(manager.stores.map((store) => store.storeId).sort(), ["101", "201"]);
    assert.deepEqual(manager.regions, [], "a region spans stores that are not the manager's");
    assert.deepEqual((await campaignCompletion("moment", "m1", [])).all, { assigned: 0, done: 0, failed: 0, cancelled: 0, rate: 0 });
  });

  it("should keep a guide's first place when they move store after being assigned", async () => {
    await assignCampaignGuides("mass", "s1", ["g0"], AT);
    await Employee.updateOne({ userId: "g0" }, { $set: { mainDepartmentId: 102, departmentIds: [102] } });
    await assignCampaignGuides("mass", "s1", ["g0"], AT);
    await markCampaignGuideDone("mass", "s1", "g0", AT);
    const completion = await campaignCompletion("mass", "s1", null);
    assert.deepEqual(completion.stores.map((store) => [store.storeId, store.assigned, store.done]), [["101", 1, 1]]);
  });

  it("should claim a guide for a reminder once per gap, only while assigned, and give the claim back", async () => {
    await assignCampaignGuides("mass", "s2", ["g0", "g1", "g2"], AT);
    await markCampaignGuideDone("mass", "s2", "g2", AT);
    const gapStart = new Date(AT.getTime() - 600_000);
    const [first, second] = await Promise.all([claimCampaignReminders("mass", "s2", ["g0", "g1", "g2"], AT, gapStart), claimCampaignReminders("mass", "s2", ["g0", "g1", "g2"], AT, gapStart)]);
    assert.deepEqual([...first, ...second].sort(), ["g0", "g1"], "two clicks at once claim each guide once; a done guide is not reminded");
    const later = new Date(AT.getTime() + 300_000);
    assert.deepEqual(await claimCampaignReminders("mass", "s2", ["g0"], later, new Date(later.getTime() - 600_000)), []);
    await releaseCampaignReminders("mass", "s2", ["g1"], AT);
    const g1 = await CampaignGuide.findById(campaignGuideId("mass", "s2", "g1")).lean();
    assert.equal(g1?.remindCount, 0);
    assert.deepEqual(await claimCampaignReminders("mass", "s2", ["g1"], later, new Date(later.getTime() - 600_000)), ["g1"]);
    const afterGap = new Date(AT.getTime() + 601_000);
    assert.deepEqual(await claimCampaignReminders("mass", "s2", ["g0"], afterGap, new Date(afterGap.getTime() - 600_000)), ["g0"]);
    assert.equal((await CampaignGuide.findById(campaignGuideId("mass", "s2", "g0")).lean())?.remindCount, 2);
  });
});

import assert from "node:assert/strict";
import type { Db } from "mongodb";
import mongoose from "mongoose";
import { countCompletion, countCompletionMany, repropagateDay, type CompletionFact } from "../../server/commands/completionRollup.ts";
import { childKey, packFigures, parseChildKey, unpackFigures, zeroFigures, type ChildSnapshot } from "../../server/domain/completionSnapshots.ts";
import { COMPLETION_COUNTERS, type CompletionCounter } from "../../server/domain/tasks.ts";
import { startScheduler } from "../../server/jobs/scheduler.ts";
import { CompletionDay, completionDayId, type CompletionLevel } from "../../server/models/CompletionDay.ts";
import { resetDatabase } from "../support/hooks.ts";
import { testWeComClient } from "../support/server.ts";

const DAY = "2026-12-01";
// Stores 101 and 102 in region 10, store 201 without a region, and a guide with no store at all.
const PLACES: Record<string, { storeId: string | null; regionId: string | null }> = {
  "li.na": { storeId: "101", regionId: "10" },
  wang_fang: { storeId: "101", regionId: "10" },
  "zhang.wei@x": { storeId: "102", regionId: "10" },
  chen: { storeId: "201", regionId: null },
  "100%": { storeId: "201", regionId: null },
  roaming: { storeId: null, regionId: null },
};
const GUIDES = Object.keys(PLACES);
const COUNTERS: CompletionCounter[] = ["tasksDue", "tasksDone", "done_birthday", "momentsAssigned", "adds", "membersRecruited"];

/** A small deterministic PRNG, so a failing interleaving can be replayed from its seed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Facts over the guides and two days: some keys given twice, some counts negative (an undo). */
function someFacts(seed: number, count: number): CompletionFact[] {
  const next = random(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)] as T;
  const facts: CompletionFact[] = [];
  for (let index = 0; index < count; index += 1) {
    const previous = facts[Math.floor(next() * facts.length)];
    if (previous && next() < 0.15) {
      facts.push(previous);
      continue;
    }
    const userId = pick(GUIDES);
    const inc = { [pick(COUNTERS)]: next() < 0.2 ? -1 : 1 + Math.floor(next() * 3), [pick(COUNTERS)]: 1 };
    facts.push({ userId, ...PLACES[userId]!, day: pick([DAY, "2026-12-02"]), key: `fact:${index}`, inc });
  }
  return facts;
}

const shuffle = <T>(list: T[], next: () => number): T[] => {
  const copy = [...list];
  for (let index = copy.length - 1; index > 0; index -= 1) {
    const other = Math.floor(next() * (index + 1));
    [copy[index], copy[other]] = [copy[other] as T, copy[index] as T];
  }
  return copy;
};

/** Every level's figures counted from the facts themselves, each key once. */
function recount(facts: CompletionFact[]): Map<string, Record<string, number>> {
  const seen = new Set<string>();
  const levels = new Map<string, Record<string, number>>();
  const add = (id: string, inc: Record<string, number>) => {
    const figures = levels.get(id) ?? Object.fromEntries(COMPLETION_COUNTERS.map((counter) => [counter, 0]));
    for (const [counter, value] of Object.entries(inc)) {
      figures[counter] = (figures[counter] ?? 0) + value;
    }
    levels.set(id, figures);
  };
  for (const fact of facts) {
    if (seen.has(`${fact.userId}:${fact.day}:${fact.key}`)) {
      continue;
    }
    seen.add(`${fact.userId}:${fact.day}:${fact.key}`);
    const inc = fact.inc as Record<string, number>;
    add(completionDayId("guide", fact.userId, fact.day), inc);
    add(completionDayId("all", "all", fact.day), inc);
    if (fact.storeId) {
      add(completionDayId("store", fact.storeId, fact.day), inc);
    }
    if (fact.regionId) {
      add(completionDayId("region", fact.regionId, fact.day), inc);
    }
  }
  return levels;
}

/** What the rollups hold, and a check that every parent's own figures are the sum of its children's snapshots. */
async function stored(): Promise<Map<string, Record<string, number>>> {
  const docs = await CompletionDay.find().lean();
  const byId = new Map(docs.map((doc) => [doc._id, doc]));
  for (const doc of docs.filter((entry) => entry.level !== "guide")) {
    const children = Object.entries(doc.children as Record<string, ChildSnapshot>).map(([key, child]) => [key, { figures: unpackFigures(child.f), version: child.v }] as const);
    for (const counter of COMPLETION_COUNTERS) {
      const sum = children.reduce((total, [, child]) => total + (child.figures[counter] ?? 0), 0);
      assert.equal((doc.figures as Record<string, number>)[counter], sum, `${doc._id} ${counter} is not the sum of its children`);
    }
    for (const [key, child] of children) {
      const { level, ownerId } = parseChildKey(key);
      const source = byId.get(completionDayId(level as CompletionLevel, ownerId, doc.day));
      assert.ok(source, `${doc._id} holds ${key} that does not exist`);
      assert.equal(child.version, source.version, `${doc._id}'s snapshot of ${key} is not the latest`);
    }
  }
  return new Map(docs.map((doc) => [doc._id, doc.figures as Record<string, number>]));
}

describe("completion rollups", () => {
  beforeEach(resetDatabase);

  for (const seed of [1, 7, 42]) {
    it(`every level equals a recount after a random interleaving of concurrent facts (seed ${seed})`, async () => {
      const facts = someFacts(seed, 240);
      const next = random(seed * 31);
      // Several waves at once, each in its own order: siblings race for the same store and region.
      await Promise.all([0, 1, 2].map((wave) => Promise.all(shuffle(facts.filter((_fact, index) => index % 3 === wave), next).map((fact) => countCompletion(fact)))));
      assert.deepEqual(await stored(), recount(facts));
    });
  }

  it("counts a key once, even given twice at the same time", async () => {
    const fact = { userId: "li.na", storeId: "101", regionId: "10", day: DAY, key: "task:1:done", inc: { tasksDone: 1 } };
    const results = await Promise.all([countCompletion(fact), countCompletion(fact), countCompletion(fact)]);
    assert.deepEqual(results.filter(Boolean).length, 1);
    const guide = await CompletionDay.findById(completionDayId("guide", "li.na", DAY)).lean();
    assert.equal(guide?.figures.tasksDone, 1);
    assert.deepEqual(guide?.keys, ["task:1:done"]);
    const all = await CompletionDay.findById(completionDayId("all", "all", DAY)).lean();
    assert.equal(all?.figures.tasksDone, 1);
    assert.equal(all?.figures.adds, 0, "a new day starts every counter at 0");
  });

  it("keeps a dotted userid as one child of its store", async () => {
    await countCompletion({ userId: "zhang.wei@x", storeId: "102", regionId: "10", day: DAY, key: "a", inc: { adds: 2 } });
    const store = await CompletionDay.findById(completionDayId("store", "102", DAY)).lean();
    assert.deepEqual(Object.keys(store?.children as object), [childKey("guide", "zhang.wei@x")]);
    assert.equal(parseChildKey(childKey("guide", "100%.2E")).ownerId, "100%.2E");
  });

  it("refuses a counter it does not know, counting nothing", async () => {
    await assert.rejects(countCompletion({ userId: "chen", storeId: "201", regionId: null, day: DAY, key: "x", inc: { bogus: 1 } as never }), /unknown completion counter/);
    assert.equal(await CompletionDay.countDocuments(), 0);
  });

  it("repairs a crash between the guide's day and the levels above: by the sweep, or by the fact given again", async () => {
    const facts = someFacts(5, 60);
    await Promise.all(facts.map((fact) => countCompletion(fact)));
    // The process died after moving these guides' days and before carrying them up.
    const lost = [
      { userId: "li.na", storeId: "101", regionId: "10", day: DAY, key: "lost:1", inc: { tasksDue: 3 } },
      { userId: "chen", storeId: "201", regionId: null, day: DAY, key: "lost:2", inc: { adds: 1 } },
      { userId: "wang_fang", storeId: "101", regionId: "10", day: "2026-12-02", key: "lost:3", inc: { adds: 1 } },
    ];
    for (const fact of lost) {
      await CompletionDay.collection.updateOne({ _id: completionDayId("guide", fact.userId, fact.day) } as never, { $inc: Object.fromEntries([...Object.entries(fact.inc).map(([counter, value]) => [`figures.${counter}`, value]), ["version", 1]]), $push: { keys: fact.key } } as never);
    }
    // And one store's new snapshot reached the store but not its region.
    const store = completionDayId("store", "102", DAY);
    await CompletionDay.collection.updateOne({ _id: store } as never, { $inc: { "figures.adds": 5, version: 1 }, $set: { [`children.${childKey("guide", "ghost")}`]: { f: packFigures({ adds: 5 }), v: 1 } } });
    await CompletionDay.collection.insertOne({ _id: completionDayId("guide", "ghost", DAY), level: "guide", ownerId: "ghost", day: DAY, storeId: "102", regionId: "10", figures: { ...zeroFigures(), adds: 5 }, version: 1, keys: ["ghost"], children: {} } as never);
    const expected = recount([...facts, ...lost, { userId: "ghost", storeId: "102", regionId: "10", day: DAY, key: "ghost", inc: { adds: 5 } }]);
    assert.notDeepEqual(await CompletionDay.findById(completionDayId("all", "all", DAY)).lean().then((doc) => doc?.figures), expected.get(completionDayId("all", "all", DAY)));

    // The fact given again (a retried event) carries its day up although it counts nothing.
    assert.equal(await countCompletion(lost[2]!), false);
    const secondDay = completionDayId("all", "all", "2026-12-02");
    assert.deepEqual((await CompletionDay.findById(secondDay).lean())?.figures, expected.get(secondDay));

    assert.ok((await repropagateDay(DAY)) >= 3);
    assert.deepEqual(await stored(), expected);
    assert.equal(await repropagateDay(DAY), 0, "a second sweep finds nothing to carry");
  });

  it("counting many at once writes what counting one by one writes", async () => {
    const facts = someFacts(11, 300);
    await countCompletionMany(facts.slice(0, 150));
    // A second batch overlapping the first (its keys counted once) and meeting existing days.
    await countCompletionMany(facts.slice(100));
    const many = await CompletionDay.find().lean();
    await resetDatabase();
    for (const fact of facts) {
      await countCompletion(fact);
    }
    const one = await CompletionDay.find().lean();
    const shape = (docs: typeof many) =>
      new Map(
        docs.map((doc) => [
          doc._id,
          { figures: doc.figures, keys: [...doc.keys].sort(), children: Object.fromEntries(Object.entries(doc.children as Record<string, ChildSnapshot>).map(([key, child]) => [key, child.f])), storeId: doc.storeId, regionId: doc.regionId },
        ]),
      );
    assert.deepEqual(shape(many), shape(one));
    assert.deepEqual(await stored(), recount(facts));
  });
});

describe("RepropagateCompletionJob", () => {
  beforeEach(resetDatabase);

  it("carries up today's and yesterday's guide days (China time) that a crash left behind, through Agenda", async () => {
    // 2026-12-02 01:00 in China: today is the 2nd, yesterday the 1st.
    const clock = new Date("2026-12-01T17:00:00Z");
    const scheduler = await startScheduler(mongoose.connection.db as Db, { wecom: testWeComClient(), now: () => clock }, { processEvery: 100 });
    try {
      for (const day of ["2026-11-30", DAY, "2026-12-02"]) {
        await CompletionDay.collection.insertOne({ _id: completionDayId("guide", "chen", day), level: "guide", ownerId: "chen", day, storeId: "201", regionId: null, figures: { ...zeroFigures(), adds: 2 }, version: 1, keys: ["k"], children: {} } as never);
      }
      await scheduler.runNow("RepropagateCompletionJob");
      assert.equal((await CompletionDay.findById(completionDayId("all", "all", DAY)).lean())?.figures.adds, 2);
      assert.equal((await CompletionDay.findById(completionDayId("store", "201", "2026-12-02")).lean())?.figures.adds, 2);
      assert.equal(await CompletionDay.findById(completionDayId("store", "201", "2026-11-30")).lean(), null, "older days are left to a sweep by hand");
    } finally {
      await scheduler.stop();
    }
  });
});

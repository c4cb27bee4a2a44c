import assert from "node:assert/strict";
import followStatusUpdater from "../../server/commands/followStatusUpdater.ts";
import orderRecorder from "../../server/commands/orderRecorder.ts";
import { currentProgram } from "../../server/commands/programStore.ts";
import { completeTask, completeTasksByAction } from "../../server/commands/taskCompleter.ts";
import taskGenerator from "../../server/commands/taskGenerator.ts";
import { COMPLETION_COUNTERS } from "../../server/domain/tasks.ts";
import { CompletionDay } from "../../server/models/CompletionDay.ts";
import { Task, type TaskAttrs } from "../../server/models/Task.ts";
import { resetDatabase } from "../support/hooks.ts";
import { aFollowedMember, china, seedGuides } from "./support.ts";

const NOW = new Date("2026-03-09T22:00:00Z");
const GUIDES = ["ga1", "ga2", "gb1"];

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

/** What the tasks say each guide's day should hold. */
async function recount(): Promise<Map<string, Record<string, number>>> {
  const days = new Map<string, Record<string, number>>();
  for (const task of await Task.find().lean<TaskAttrs[]>()) {
    const key = `guide:${task.userId}:${task.dueDay}`;
    const figures = days.get(key) ?? {};
    const add = (counter: string) => {
      figures[counter] = (figures[counter] ?? 0) + 1;
    };
    if (task.state !== "closed") {
      add("tasksDue");
      add(`due_${task.kind}`);
    }
    if (task.state === "done") {
      add("tasksDone");
      add(`done_${task.kind}`);
      if (task.doneOnTime) {
        add("tasksOnTime");
        add(`onTime_${task.kind}`);
      }
    }
    days.set(key, figures);
  }
  return days;
}

describe("task counts in the completion days", function () {
  this.timeout(120_000);
  beforeEach(() => resetDatabase());

  for (const seed of [1, 7, 42]) {
    it(`should equal a recount from the tasks after a random interleaving of runs, actions and closings (seed ${seed})`, async () => {
      const next = random(seed);
      const pick = <T>(items: T[]) => items[Math.floor(next() * items.length)] as T;
      await seedGuides();
      for (let index = 0; index < 24; index += 1) {
        await aFollowedMember({
          externalUserId: `wm${index}`,
          name: `客户${index}`,
          guides: [{ userId: pick(GUIDES), contactAt: china("2026-01-01") }],
          birthday: next() < 0.6 ? `1990-03-${String(10 + Math.floor(next() * 4)).padStart(2, "0")}` : "1990-08-01",
          purchaseTimes: next() < 0.5 ? [china("2025-12-10")] : [china("2025-12-12"), china("2026-01-11"), china("2026-02-10")],
        });
      }
      await taskGenerator({ now: NOW });
      const tasks = await Task.find().lean<TaskAttrs[]>();
      const { program } = await currentProgram();
      const actions: (() => Promise<unknown>)[] = [() => taskGenerator({ now: NOW })];
      for (let step = 0; step < 40; step += 1) {
        const task = pick(tasks);
        const at = new Date(NOW.getTime() + Math.floor(next() * 6) * 86_400_000);
        const choice = next();
        if (choice < 0.35) {
          actions.push(() => completeTask({ taskId: task._id, userId: task.userId, result: "contacted", at }).catch(() => null));
        } else if (choice < 0.55) {
          actions.push(() => completeTasksByAction({ externalUserId: task.externalUserId, userId: task.userId, action: "note", at }));
        } else if (choice < 0.75) {
          const order = { channel: "store", orderNo: `O${step}`, amount: 9_900, paidAt: at, status: "paid" as const, refundedAmount: 0, member: { externalUserId: task.externalUserId }, items: [] };
          actions.push(() => orderRecorder(order, program, at));
        } else if (choice < 0.85) {
          actions.push(() => followStatusUpdater({ externalUserId: task.externalUserId, userId: task.userId, status: "deleted_by_customer", at }));
        } else {
          actions.push(() => taskGenerator({ now: at }));
        }
      }
      // Everything at once, twice over: each move counts once whatever the order.
      await Promise.all([...actions, ...actions].map((action) => action()));

      const expected = await recount();
      const stored = await CompletionDay.find({ level: "guide" }).lean();
      for (const day of stored) {
        const want = expected.get(String(day._id)) ?? {};
        const figures = day.figures as Record<string, number>;
        for (const counter of COMPLETION_COUNTERS.filter((name) => name.startsWith("tasks") || /^(due|done|onTime)_/.test(name))) {
          assert.equal(figures[counter] ?? 0, want[counter] ?? 0, `${String(day._id)} ${counter}`);
        }
      }
      assert.ok([...expected.keys()].every((key) => stored.some((day) => String(day._id) === key)), "every guide's day with tasks is counted");
      const all = await CompletionDay.find({ level: "all" }).lean();
      const totalDue = [...expected.values()].reduce((sum, figures) => sum + (figures.tasksDue ?? 0), 0);
      assert.equal(all.reduce((sum, day) => sum + ((day.figures as Record<string, number>).tasksDue ?? 0), 0), totalDue, "the company's days add up too");
    });
  }
});

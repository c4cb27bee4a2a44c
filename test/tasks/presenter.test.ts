import assert from "node:assert/strict";
import taskGenerator from "../../server/commands/taskGenerator.ts";
import taskNames from "../../server/commands/taskNames.ts";
import { Task, type TaskAttrs } from "../../server/models/Task.ts";
import { presentTasks } from "../../server/presenters/task.ts";
import { resetDatabase } from "../support/hooks.ts";
import { china, seedMeiAndLin } from "./support.ts";

describe("presentTasks", () => {
  beforeEach(() => resetDatabase());

  it("should name the customer, the level and the guide, and say overdue by the clock given", async () => {
    const { mei } = await seedMeiAndLin();
    await taskGenerator({ now: new Date("2026-03-09T22:00:00Z") });
    const tasks = await Task.find({ externalUserId: "wm_mei" }).sort({ dueAt: 1 }).lean<TaskAttrs[]>();
    const names = await taskNames(tasks);
    const [benefit, birthday] = presentTasks(tasks, names, china("2026-03-11", "11:00"));
    assert.deepEqual(
      { ...birthday, suggestion: undefined },
      {
        id: `birthday:${mei}:2026`,
        kind: "birthday",
        kindLabel: "生日关怀",
        title: "3月12日生日",
        suggestion: undefined,
        customer: { externalUserId: "wm_mei", name: "小美", avatar: "" },
        memberId: mei,
        levelName: "银卡会员",
        dueAt: china("2026-03-12", "10:00").toISOString(),
        dueDay: "2026-03-12",
        overdue: false,
        state: "open",
        result: null,
        resultLabel: "",
        doneAt: null,
        doneOnTime: null,
        closedReason: "",
        guide: { userId: "ga1", name: "王导购" },
      },
    );
    assert.deepEqual([benefit?.kindLabel, benefit?.overdue], ["权益即将过期", true], "due 3月11日 10:00, an hour before the clock");
  });
});

import type { Document } from "mongodb";
import { chinaDate } from "../domain/chinaTime.ts";
import type { Program } from "../domain/program.ts";
import type { Occasion } from "../domain/taskOccasions.ts";
import { fillTemplate, type TaskRules } from "../domain/taskRules.ts";
import { taskValues } from "../domain/taskValues.ts";
import { insertNew } from "../db/duplicates.ts";
import { Employee } from "../models/Employee.ts";
import { Task, type TaskAttrs } from "../models/Task.ts";
import { guidePlaces } from "./campaignCompletion.ts";
import { indexOpenTasks } from "./openTasks.ts";
import { countTasksDue } from "./taskCounts.ts";

/** A task to make: the occasion, the guide chosen for it and the customer they reach. */
export interface TaskDraft {
  occasion: Occasion;
  userId: string;
  externalUserId: string;
  memberId: string | null;
  customerName: string;
  levelCode?: string | null;
  growth?: number | null;
}

/** What the template fills need besides the draft. */
export interface TaskSetting {
  rules: TaskRules;
  program: Program;
  now: Date;
}

/**
 * Insert tasks once per key (unordered, duplicates skipped), then count each as due, note it open
 * on its customer and mark it counted. Tasks an earlier run inserted are read back; one still
 * unmarked (a crash between its insert and its count) is counted and noted now, with what was
 * stored: both are keyed, so a count that did happen before the crash is not repeated.
 *
 * @param drafts the tasks.
 * @param setting the rules, the programme and the clock.
 * @returns how many were new and how many were there already.
 */
export default async function taskInserter(drafts: TaskDraft[], setting: TaskSetting): Promise<{ inserted: number; existing: number }> {
  if (drafts.length === 0) {
    return { inserted: 0, existing: 0 };
  }
  const userIds = [...new Set(drafts.map((draft) => draft.userId))];
  const [places, employees] = await Promise.all([guidePlaces(userIds), Employee.find({ userId: { $in: userIds } }, { userId: 1, name: 1 }).lean()]);
  const guideNames = new Map(employees.map((employee) => [employee.userId, employee.name ?? ""]));
  const docs = drafts.map((draft): TaskAttrs => {
    const { occasion } = draft;
    const values = taskValues({ customerName: draft.customerName, guideName: guideNames.get(draft.userId) ?? "", levelCode: draft.levelCode ?? null, growth: draft.growth ?? 0, ...occasion.subject }, setting.program, setting.now);
    const place = places.get(draft.userId) ?? { storeId: null, regionId: null };
    return {
      _id: occasion.id,
      kind: occasion.kind,
      userId: draft.userId,
      storeId: place.storeId,
      regionId: place.regionId,
      externalUserId: draft.externalUserId,
      memberId: draft.memberId,
      title: occasion.title,
      suggestion: fillTemplate(setting.rules[occasion.kind].template, values),
      basisAt: occasion.basisAt ?? null,
      context: values,
      dueAt: occasion.dueAt,
      dueDay: chinaDate(occasion.dueAt),
      state: "open",
      result: null,
      doneAt: null,
      doneOnTime: null,
      closedReason: "",
      createdAt: setting.now,
      counted: false,
      remindCount: 0,
      lastRemindedAt: null,
    };
  });
  const taken = await insertNew(Task.collection, docs as unknown as Document[]);
  const fresh = docs.filter((_, position) => !taken.has(position));
  const takenIds = [...new Set(docs.filter((_, position) => taken.has(position)).map((doc) => doc._id))];
  const stored = takenIds.length > 0 ? await Task.find({ _id: { $in: takenIds } }).lean<TaskAttrs[]>() : [];
  // A task an earlier run inserted but did not get to count (it died in between) is counted now.
  const uncounted = [...fresh, ...stored.filter((task) => !task.counted)];
  await countTasksDue(uncounted);
  await indexOpenTasks(uncounted.filter((task) => task.state === "open"));
  if (uncounted.length > 0) {
    await Task.updateMany({ _id: { $in: uncounted.map((task) => task._id) } }, { $set: { counted: true } });
  }
  return { inserted: fresh.length, existing: stored.length };
}

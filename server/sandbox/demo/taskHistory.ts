// The demo's three weeks of guides' tasks: the task engine's own daily generation run for past
// days at its hour (its clock set to that morning), then the sandbox's guides work what their
// habits say they did by now (guideTaskWork.ts): some on time, some late, some never. The greetings
// of the customers' adds are made by the product as the adds arrive. So 完成率 has three weeks of
// trend and stores that differ. A second run generates nothing new (one task per member and
// occasion) and works only what is still open.
import { currentTaskRules } from "../../commands/taskRuleStore.ts";
import taskGenerator from "../../commands/taskGenerator.ts";
import { chinaDate } from "../../domain/chinaTime.ts";
import { chinaTimeOn, SILENT_CATCH_UP_DAYS } from "../../domain/taskOccasions.ts";
import type { TaskRules } from "../../domain/taskRules.ts";
import { mapLimit } from "../../utils/async.ts";
import { workSandboxGuideTasks } from "../actions/guideTaskWork.ts";

const DAY = 86_400_000;

/** What the history made and what the guides did of it. */
export interface TaskHistoryCounts {
  /** Mornings the generation ran for. */
  days: number;
  generated: number;
  worked: number;
  /** Open tasks the guides leave undone (they show as overdue). */
  left: number;
  /** How long the step took (the demo must stay quick). */
  seconds: number;
}

/**
 * Every occasion is found on any morning of a span (a birthday from N days ahead, silence for a
 * week after it begins), so a run every that many days finds what a run every day would: each
 * task keeps its own due day, and a guide's plan starts from the due day, not the run. A quarter
 * of the runs, so the demo stays quick.
 */
function daysBetweenRuns(rules: TaskRules): number {
  return Math.max(1, Math.min(SILENT_CATCH_UP_DAYS + 1, rules.birthday.daysAhead + 1, rules.repurchaseDue.daysAhead + 1, rules.benefitExpiring.daysAhead + 1));
}

/**
 * @param now the demo's clock.
 * @param days past days to cover (default 21).
 * @returns the tasks made over the days and what the guides worked.
 */
export async function runDemoTaskHistory(now: Date, days = 21): Promise<TaskHistoryCounts> {
  const started = performance.now();
  const step = daysBetweenRuns((await currentTaskRules()).rules);
  const backs: number[] = [];
  for (let back = days; back > 0; back -= step) {
    backs.push(back);
  }
  // The job's hour each day (06:00 China time); today's only once it has passed.
  const mornings = [...backs, 0].map((back) => chinaTimeOn(chinaDate(new Date(now.getTime() - back * DAY)), "06:00")).filter((morning) => morning.getTime() <= now.getTime());
  // Two mornings at once: the inserts are keyed and the counts carried by key, so they may overlap.
  const results = await mapLimit(mornings, 2, (morning) => taskGenerator({ now: morning }));
  const work = await workSandboxGuideTasks(now, { concurrency: 12 });
  return {
    days: mornings.length,
    generated: results.reduce((total, result) => total + result.inserted, 0),
    worked: work.done,
    left: work.left,
    seconds: Math.round((performance.now() - started) / 100) / 10,
  };
}

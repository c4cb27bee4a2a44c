import type Router from "@koa/router";
import { createRouter } from "../router.ts";
import { actorOf } from "../../middlewares/authenticate.ts";
import { inputOf, validate } from "../../middlewares/validate.ts";
import { currentProgram } from "../../commands/programStore.ts";
import taskRuleSaver, { currentTaskRules } from "../../commands/taskRuleStore.ts";
import { TASK_KINDS, TASK_KIND_LABELS } from "../../domain/tasks.ts";
import { variablesOf } from "../../domain/taskRules.ts";
import { sampleValues } from "../../domain/taskValues.ts";
import { Employee } from "../../models/Employee.ts";
import { presentTaskRules, type PresentedTaskRules } from "../../presenters/taskRules.ts";
import { TaskRulesPutSchema } from "./taskRulesSchema.ts";

const KINDS = TASK_KINDS.map((kind) => ({ kind, label: TASK_KIND_LABELS[kind], variables: variablesOf(kind) }));

async function rulesInForce(now: Date): Promise<PresentedTaskRules> {
  const [state, { program }] = await Promise.all([currentTaskRules(), currentProgram()]);
  const saver = state.savedBy && state.savedBy !== "api_token" ? await Employee.findOne({ userId: state.savedBy }, { name: 1 }).lean() : null;
  const savedByName = state.savedBy === "api_token" ? "API 令牌" : state.savedBy ? saver?.name || state.savedBy : null;
  return presentTaskRules(state, { kinds: KINDS, sample: sampleValues(program, now), repurchaseWindowDays: program.repurchaseWindowDays, savedByName });
}

/**
 * The guides' task rules (任务规则): read the rules in force with each kind's variables and a
 * preview member, and save a new version.
 *
 * @param options the clock.
 * @returns the router (mounted under /api/console, area task_rules).
 */
export function taskRulesRouter(options: { now: () => Date }): Router {
  const router = createRouter();
  router.get("/task-rules", async (ctx) => {
    ctx.body = { data: await rulesInForce(options.now()) };
  });
  router.put("/task-rules", validate(TaskRulesPutSchema), async (ctx) => {
    const { body } = inputOf(ctx, TaskRulesPutSchema);
    await taskRuleSaver({ rules: body, savedBy: actorOf(ctx).userId ?? "api_token", now: options.now() });
    ctx.body = { data: await rulesInForce(options.now()) };
  });
  return router;
}

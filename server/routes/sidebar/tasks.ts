import type Router from "@koa/router";
import guideTaskList from "../../commands/guideTaskList.ts";
import { openTasksOf } from "../../commands/openTasks.ts";
import { completeTask, completeTasksByAction } from "../../commands/taskCompleter.ts";
import taskNames from "../../commands/taskNames.ts";
import type { TaskResult } from "../../domain/tasks.ts";
import { AuthorizationError, ConflictError } from "../../errors.ts";
import { actorOf } from "../../middlewares/authenticate.ts";
import { inputOf, validate } from "../../middlewares/validate.ts";
import { Task, type TaskAttrs } from "../../models/Task.ts";
import { presentSidebarTaskList } from "../../presenters/sidebarTasks.ts";
import { presentTask, presentTasks } from "../../presenters/task.ts";
import { assertCustomer, type Actor } from "../../security/authorization.ts";
import { createRouter } from "../router.ts";
import { SidebarCustomerTasksSchema, SidebarTaskDoneSchema, SidebarTaskListSchema, SidebarTaskSentSchema } from "./tasksSchema.ts";

// The same words whether the task is another guide's or does not exist: the answer tells nothing
// about other guides' work.
const NOT_YOURS = "该任务不是您的任务";

/**
 * The signed-in employee's own task, read by its key and owner.
 *
 * @param actor who asks (a manager or admin in the sidebar works as a guide: their own tasks only).
 * @param taskId the task.
 * @returns the task.
 * @throws 403 when it is not theirs or does not exist.
 */
async function ownTask(actor: Actor, taskId: string): Promise<TaskAttrs> {
  const task = actor.userId ? await Task.findOne({ _id: taskId, userId: actor.userId }).lean<TaskAttrs>() : null;
  if (!task) {
    throw AuthorizationError(NOT_YOURS);
  }
  return task;
}

/**
 * Mark a task done (once: a repeat, or a task already done another way, leaves it as it is).
 *
 * @returns the task as the sidebar shows it after.
 * @throws 409 when the task closed itself (its reason went away).
 */
async function finish(actor: Actor, taskId: string, result: TaskResult, now: Date) {
  const task = await ownTask(actor, taskId);
  if (task.state === "closed") {
    throw ConflictError(`该任务已自动关闭${task.closedReason ? `（${task.closedReason}）` : ""}，无需再处理`);
  }
  const after = task.state === "open" ? (await completeTask({ taskId, userId: task.userId, result, at: now })).task : task;
  return presentTask(after, await taskNames([after]), now);
}

/**
 * The guide's task list in the sidebar (今日 / 逾期 / 已完成) and the two ways a task is done from
 * it: the suggested message sent into the customer's chat, or a result marked by hand. Only the
 * signed-in employee's own tasks, whatever their role.
 *
 * @param options the clock.
 * @returns the router (mounted under /api/sidebar).
 */
export function sidebarTasksRouter(options: { now: () => Date }): Router {
  const router = createRouter();

  router.get("/tasks", validate(SidebarTaskListSchema), async (ctx) => {
    const { query } = inputOf(ctx, SidebarTaskListSchema);
    const actor = actorOf(ctx);
    const now = options.now();
    // The API token is no employee: it has no task list.
    if (!actor.userId) {
      throw AuthorizationError("任务列表只属于员工本人，请以员工身份登录");
    }
    const list = await guideTaskList({ userId: actor.userId, view: query.view, kind: query.kind, page: query.page, pageSize: query.pageSize, now });
    ctx.body = {
      data: presentSidebarTaskList(list, await taskNames(list.tasks), now),
      pagination: { page: query.page, pageSize: query.pageSize, total: list.total },
    };
  });

  // The chat's customer's open tasks of this guide, at the top of the chat: read by key (the
  // customer's open-task index), since it loads every time a chat is opened.
  router.get("/customers/:externalUserId/tasks", validate(SidebarCustomerTasksSchema), async (ctx) => {
    const { params } = inputOf(ctx, SidebarCustomerTasksSchema);
    const actor = actorOf(ctx);
    await assertCustomer(actor, params.externalUserId);
    const now = options.now();
    const tasks = (await openTasksOf([params.externalUserId])).filter((task) => task.userId === actor.userId).sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
    ctx.body = { data: presentTasks(tasks, await taskNames(tasks), now) };
  });

  // Anything the sidebar sent into the customer's chat (a quick reply, a draw link): the guide's
  // open tasks for that customer are done by it, as a note does.
  router.post("/customers/:externalUserId/sent", validate(SidebarCustomerTasksSchema), async (ctx) => {
    const { params } = inputOf(ctx, SidebarCustomerTasksSchema);
    const actor = actorOf(ctx);
    await assertCustomer(actor, params.externalUserId);
    const now = options.now();
    const done = actor.userId ? await completeTasksByAction({ externalUserId: params.externalUserId, userId: actor.userId, action: "sent", at: now }) : [];
    ctx.body = { data: presentTasks(done, await taskNames(done), now) };
  });

  router.post("/tasks/:taskId/done", validate(SidebarTaskDoneSchema), async (ctx) => {
    const { params, body } = inputOf(ctx, SidebarTaskDoneSchema);
    ctx.body = { data: await finish(actorOf(ctx), params.taskId, body.result, options.now()) };
  });

  // Told by the sidebar after the JS-SDK's sendChatMessage succeeded in the customer's chat.
  router.post("/tasks/:taskId/sent", validate(SidebarTaskSentSchema), async (ctx) => {
    const { params } = inputOf(ctx, SidebarTaskSentSchema);
    ctx.body = { data: await finish(actorOf(ctx), params.taskId, "sent", options.now()) };
  });

  return router;
}

import { z } from "zod";
import { TASK_KINDS } from "../../domain/tasks.ts";
import { GUIDE_TASK_VIEWS } from "../../commands/guideTaskList.ts";
import { page, pageSize } from "../console/fields.ts";

/** What a guide may mark a task done with by hand; sent, note and redeemed come from the action itself. */
export const HAND_RESULTS = ["contacted", "noReply", "notNeeded"] as const;

const taskId = z.string().trim().min(1, "请选择任务").max(300, "任务编号过长");

export const SidebarTaskListSchema = z.object({
  query: z.object({
    view: z.enum(GUIDE_TASK_VIEWS, "须为 today（今日）、overdue（逾期）或 done（已完成）").default("today"),
    kind: z.enum(TASK_KINDS, "不是可选的任务类型").optional(),
    page,
    pageSize,
  }),
});
export type SidebarTaskListReq = z.infer<typeof SidebarTaskListSchema>;

export const SidebarTaskDoneSchema = z.object({
  params: z.object({ taskId }),
  body: z.object({ result: z.enum(HAND_RESULTS, "请选择结果：联系上了、无回复或不需要") }),
});
export type SidebarTaskDoneReq = z.infer<typeof SidebarTaskDoneSchema>;

export const SidebarCustomerTasksSchema = z.object({ params: z.object({ externalUserId: z.string().trim().min(1, "请选择客户").max(128, "客户编号过长") }) });

export const SidebarTaskSentSchema = z.object({ params: z.object({ taskId }) });
export type SidebarTaskSentReq = z.infer<typeof SidebarTaskSentSchema>;

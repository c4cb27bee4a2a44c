// What a guide's task is about, and the counters a day of completion keeps. Shared by the task
// engine, the completion rollups, the sidebar and the console (through the presenters).

/** The kinds of task a guide gets, in the order the sidebar groups them. */
export const TASK_KINDS = ["greeting", "birthday", "levelUp", "benefitExpiring", "repurchaseDue", "silent"] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

export const TASK_KIND_LABELS: Record<TaskKind, string> = {
  greeting: "新客问候",
  birthday: "生日关怀",
  levelUp: "升级祝贺",
  benefitExpiring: "权益即将过期",
  repurchaseDue: "复购提醒",
  silent: "沉默召回",
};

/** open → done (by the guide's action or by hand), or → closed when its reason went away. */
export const TASK_STATES = ["open", "done", "closed"] as const;
export type TaskState = (typeof TASK_STATES)[number];

/** How a task was done: by what the guide did in the sidebar, or the result marked by hand. */
export const TASK_RESULTS = ["sent", "note", "redeemed", "contacted", "noReply", "notNeeded"] as const;
export type TaskResult = (typeof TASK_RESULTS)[number];

export const TASK_RESULT_LABELS: Record<TaskResult, string> = {
  sent: "已发送消息",
  note: "已写备注",
  redeemed: "已核销权益",
  contacted: "联系上了",
  noReply: "无回复",
  notNeeded: "不需要",
};

/**
 * The counters of one guide's (store's, region's, the company's) day. Tasks count on their due
 * day (due, and of those done and done on time), so a day's rate never changes its denominator
 * after the day; campaigns count on the day they were assigned; adds and recruits on the day.
 */
export const COMPLETION_COUNTERS = [
  "tasksDue",
  "tasksDone",
  "tasksOnTime",
  ...TASK_KINDS.flatMap((kind) => [`due_${kind}`, `done_${kind}`, `onTime_${kind}`] as const),
  "momentsAssigned",
  "momentsPublished",
  "massAssigned",
  "massSent",
  "greetingsDue",
  "greetingsOnTime",
  "adds",
  "membersRecruited",
] as const;
export type CompletionCounter = (typeof COMPLETION_COUNTERS)[number];
export type CompletionFigures = Record<CompletionCounter, number>;

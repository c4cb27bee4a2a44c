import type { PresentedTask } from "@server/presenters/task";

const pad = (n: number) => String(n).padStart(2, "0");
const monthDayTime = (date: Date) => `${date.getMonth() + 1}月${date.getDate()}日 ${pad(date.getHours())}:${pad(date.getMinutes())}`;

/**
 * When a task is due, or how it was done, in the guide's words.
 *
 * @param task the task.
 * @returns "今天 18:00 前", "已逾期 · 3月1日 18:00 到期", "无回复 · 3月2日 10:05".
 */
export function dueText(task: PresentedTask): string {
  if (task.state === "done") {
    return `${task.resultLabel}${task.doneAt ? ` · ${monthDayTime(new Date(task.doneAt))}` : ""}${task.doneOnTime === false ? " · 逾期完成" : ""}`;
  }
  const due = new Date(task.dueAt);
  if (task.overdue) {
    return `已逾期 · ${monthDayTime(due)} 到期`;
  }
  const today = new Date();
  const sameDay = due.getFullYear() === today.getFullYear() && due.getMonth() === today.getMonth() && due.getDate() === today.getDate();
  return sameDay ? `今天 ${pad(due.getHours())}:${pad(due.getMinutes())} 前` : `${monthDayTime(due)} 前`;
}

/** What a guide can mark a task done with by hand. */
export const HAND_RESULTS = [
  { result: "contacted", name: "联系上了" },
  { result: "noReply", name: "无回复" },
  { result: "notNeeded", name: "不需要" },
] as const;
export type HandResult = (typeof HAND_RESULTS)[number]["result"];

// What each kind's window means, in the words on its card, and the preview's filling.
import type { TaskRules } from "@server/presenters/taskRules";

export type TaskKind = keyof TaskRules;

/** The paths of the form's fields, as the server names them in a refusal. */
export const TASK_RULE_FIELDS = ["greeting", "birthday", "levelUp", "benefitExpiring", "repurchaseDue", "silent"].flatMap((kind) =>
  ["enabled", "withinHours", "daysAhead", "afterDays", "dueTime", "template"].map((field) => `${kind}.${field}`),
);

/** One line under the card's title: when the task comes and when it is due. */
export const KIND_HINTS: Record<TaskKind, string> = {
  greeting: "导购添加新客户后生成，在设定的小时内完成问候算按时。",
  birthday: "会员生日前若干天生成，截止在生日当天。",
  levelUp: "会员升级后生成，在设定的小时内送上祝贺算按时。",
  benefitExpiring: "会员已领取、未核销的权益在若干天内过期时生成，截止在过期当天。",
  repurchaseDue: "按会员历次购买的平均间隔预测下次购买日，提前若干天生成，截止在预测当天（至少 3 次不同日期的购买才预测）。",
  silent: "会员最后一次购买后超过设定天数未再购买时生成；会员再次购买后任务自动关闭。",
};

/**
 * @param template a template as typed.
 * @param values the preview member's values by variable.
 * @returns the message the member would get; a variable the preview does not know stays as typed.
 */
export function previewMessage(template: string, values: Partial<Record<string, string>>): string {
  return template.replace(/\{[^{}]*\}/g, (token) => values[token] ?? token);
}

/**
 * @param rules rules as the server sent them.
 * @returns a copy to edit.
 */
export const cloneRules = (rules: TaskRules): TaskRules => JSON.parse(JSON.stringify(rules)) as TaskRules;

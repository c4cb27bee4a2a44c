import { z } from "zod";
import { TASK_KINDS, TASK_KIND_LABELS, type TaskKind } from "./tasks.ts";

// The brand's task rules: which kinds are on, how far ahead each looks, when it is due and what the
// guide is offered to send. Variables use the quick replies' syntax ({客户昵称}, {会员等级}: see
// sidebar/src/sidebar/utils/replyVariables.ts), so operators write one kind of template everywhere.

/** Every variable a task template may use, with what it is filled with and the kinds that know it. */
export const TASK_VARIABLES = [
  { token: "{客户昵称}", label: "客户的微信昵称（没有时为会员姓名）", kinds: TASK_KINDS },
  { token: "{导购姓名}", label: "负责的导购", kinds: TASK_KINDS },
  { token: "{会员等级}", label: "会员当前的等级", kinds: TASK_KINDS },
  { token: "{下一等级}", label: "会员的下一个等级", kinds: TASK_KINDS },
  { token: "{还差金额}", label: "升到下一等级还差的消费金额，如 ¥380", kinds: TASK_KINDS },
  { token: "{生日}", label: "会员的生日，如 12月8日", kinds: ["birthday"] },
  { token: "{权益名称}", label: "即将过期的权益", kinds: ["benefitExpiring"] },
  { token: "{过期日期}", label: "权益的过期日期，如 12月8日", kinds: ["benefitExpiring"] },
  { token: "{上次购买}", label: "上次购买的日期", kinds: ["silent", "repurchaseDue"] },
  { token: "{未购天数}", label: "距上次购买的天数", kinds: ["silent", "repurchaseDue"] },
] as const satisfies readonly { token: string; label: string; kinds: readonly TaskKind[] }[];

export type TaskVariable = (typeof TASK_VARIABLES)[number]["token"];
export type TaskValues = Partial<Record<TaskVariable, string>>;

/**
 * @param kind a task kind.
 * @returns the variables its template may use.
 */
export function variablesOf(kind: TaskKind): { token: TaskVariable; label: string }[] {
  return TASK_VARIABLES.filter((variable) => (variable.kinds as readonly TaskKind[]).includes(kind)).map(({ token, label }) => ({ token, label }));
}

/**
 * @param template a template.
 * @param values what this member's task knows.
 * @returns the message with every known variable filled; one without a value becomes "".
 */
export function fillTemplate(template: string, values: TaskValues): string {
  return template.replace(/\{([^{}\s]{1,10})\}/g, (token) => values[token as TaskVariable] ?? "");
}

const range = (label: string, min: number, max: number) => {
  const message = `${label}应为 ${min} 到 ${max} 之间的整数`;
  return z.number({ error: message }).int(message).min(min, message).max(max, message);
};

const dueTime = z.string({ error: "请填写截止时间" }).regex(/^([01]\d|2[0-3]):[0-5]\d$/, "截止时间应为 00:00 到 23:59 之间，如 10:00");

/** A template, refused when it names a variable the kind does not know. */
function template(kind: TaskKind) {
  const known = new Set<string>(variablesOf(kind).map((variable) => variable.token));
  return z
    .string({ error: "请填写话术模板" })
    .trim()
    .min(1, "请填写话术模板")
    .max(500, "话术模板不能超过 500 个字")
    .superRefine((text, ctx) => {
      for (const [token] of text.matchAll(/\{[^{}]*\}/g)) {
        if (!known.has(token)) {
          const elsewhere = TASK_VARIABLES.some((variable) => variable.token === token);
          ctx.addIssue({ code: "custom", message: elsewhere ? `变量 ${token} 不能用于${TASK_KIND_LABELS[kind]}` : `没有变量 ${token}，可用的变量：${[...known].join(" ")}` });
          return;
        }
      }
    });
}

const enabled = z.boolean({ error: "启用应为是或否" });

/** The rules an operator saves; every number out of range is refused, never clamped. */
export const TaskRulesSchema = z.object({
  greeting: z.object({ enabled, withinHours: range("问候时限（小时）", 1, 72), template: template("greeting") }),
  birthday: z.object({ enabled, daysAhead: range("提前天数", 0, 30), dueTime, template: template("birthday") }),
  levelUp: z.object({ enabled, withinHours: range("祝贺时限（小时）", 1, 72), template: template("levelUp") }),
  benefitExpiring: z.object({ enabled, daysAhead: range("过期前天数", 1, 60), dueTime, template: template("benefitExpiring") }),
  repurchaseDue: z.object({ enabled, daysAhead: range("提前天数", 0, 30), dueTime, template: template("repurchaseDue") }),
  /** afterDays null: the programme's repurchase window. */
  silent: z.object({ enabled, afterDays: range("未购天数", 1, 730).nullable(), dueTime, template: template("silent") }),
});

export type TaskRules = z.infer<typeof TaskRulesSchema>;

/** What a brand starts with; operators change it on the console's 任务规则 page. */
export const DEFAULT_TASK_RULES: TaskRules = {
  greeting: { enabled: true, withinHours: 24, template: "{客户昵称}您好，我是您的专属导购{导购姓名}，以后有任何需要随时找我～" },
  birthday: { enabled: true, daysAhead: 3, dueTime: "10:00", template: "{客户昵称}，{生日}是您的生日，提前祝您生日快乐！{会员等级}的生日礼已为您准备好，到店或线上都可以领取哦。" },
  levelUp: { enabled: true, withinHours: 24, template: "恭喜{客户昵称}升级为{会员等级}！新等级的专属权益已经开通，有空来店里看看～" },
  benefitExpiring: { enabled: true, daysAhead: 3, dueTime: "10:00", template: "{客户昵称}，您的{权益名称}将在{过期日期}过期，别忘了使用哦，需要的话我帮您预留。" },
  repurchaseDue: { enabled: true, daysAhead: 3, dueTime: "11:00", template: "{客户昵称}，上次您{上次购买}买的快用完了吧？最近有新品到店，再消费{还差金额}就能升级{下一等级}。" },
  silent: { enabled: true, afterDays: null, dueTime: "15:00", template: "{客户昵称}，好久不见！已经{未购天数}天没见您了，店里上了新款，{会员等级}专享优惠给您留着呢。" },
};

/**
 * @param stored rules as saved (a saved kind may lack a field added since).
 * @returns them complete, every missing kind or field from the defaults.
 */
export function withDefaults(stored: Partial<Record<TaskKind, Record<string, unknown>>> | null | undefined): TaskRules {
  const merged = Object.fromEntries(TASK_KINDS.map((kind) => [kind, { ...DEFAULT_TASK_RULES[kind], ...(stored?.[kind] ?? {}) }]));
  return TaskRulesSchema.parse(merged);
}

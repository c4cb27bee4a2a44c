import { z } from "zod";
import { DEFAULT_COOLDOWN_SECONDS, MAX_REPLY_LENGTH } from "../../domain/botRules.ts";

// Messages are Chinese and the validate middleware prefixes the field: "keyword: 请填写关键词".
const objectId = (what: string) => z.string({ error: `请选择${what}` }).regex(/^[0-9a-f]{24}$/, `${what}无效`);
const text = (label: string, max: number) => z.string({ error: `请填写${label}` }).trim().max(max, `${label}不能超过 ${max} 个字`);

const BotRuleBody = z
  .object({
    name: text("规则名称", 30).min(1, "请填写规则名称"),
    enabled: z.boolean({ error: "启用应为是或否" }).default(true),
    trigger: z.enum(["keyword", "join"], { error: "触发方式应为 keyword（关键词）或 join（入群欢迎）" }),
    keyword: text("关键词", 20).default(""),
    match: z.enum(["exact", "contains"], { error: "匹配方式应为 exact（完全匹配）或 contains（包含）" }).default("exact"),
    scope: z.enum(["all", "groups", "funnel"], { error: "生效范围应为 all（全部群）、groups（指定群）或 funnel（群活码的群）" }).default("all"),
    chatIds: z.array(z.string().trim().min(1, "请选择客户群").max(128, "群 ID 过长"), { error: "请选择客户群" }).max(100, "最多选择 100 个群").default([]),
    funnelId: objectId("群活码").nullable().default(null),
    replyText: text("回复内容", MAX_REPLY_LENGTH).default(""),
    link: z.enum(["none", "draw", "funnel"], { error: "附带链接应为 none、draw（抽奖）或 funnel（群活码）" }).default("none"),
    drawSlug: z.string().trim().max(40, "抽奖活动无效").nullable().default(null),
    linkFunnelId: objectId("群活码").nullable().default(null),
    mention: z.boolean({ error: "@提及应为是或否" }).default(true),
    tagIds: z.array(z.string().trim().min(1, "标签无效").max(128, "标签无效"), { error: "标签应为列表" }).max(10, "最多 10 个标签").default([]),
    cooldownSeconds: z
      .number({ error: "冷却时间应为数字" })
      .int("冷却时间应为整数")
      .min(0, "冷却时间应在 0 到 3600 秒之间")
      .max(3600, "冷却时间应在 0 到 3600 秒之间")
      .default(DEFAULT_COOLDOWN_SECONDS),
  })
  .superRefine((body, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
    if (body.trigger === "keyword" && body.keyword === "") {
      issue("keyword", "请填写关键词");
    }
    if (body.trigger === "join" && body.tagIds.length > 0) {
      issue("tagIds", "入群欢迎不能打标签（只有关键词规则按说话的人打标签）");
    }
    if (body.scope === "groups" && body.chatIds.length === 0) {
      issue("chatIds", "请至少选择一个客户群");
    }
    if (body.scope === "funnel" && !body.funnelId) {
      issue("funnelId", "请选择群活码");
    }
    if (body.link === "draw" && !body.drawSlug) {
      issue("drawSlug", "请选择抽奖活动");
    }
    if (body.link === "funnel" && !body.linkFunnelId) {
      issue("linkFunnelId", "请选择群活码");
    }
    if (body.replyText === "" && body.link === "none") {
      issue("replyText", "请填写回复内容");
    }
  });

/** `POST /bot/rules`. */
export const BotRuleCreateSchema = z.object({ body: BotRuleBody });

const idParams = z.object({ id: objectId("规则") });

/** `PUT /bot/rules/:id`: the whole rule, as on create. */
export const BotRuleUpdateSchema = z.object({ params: idParams, body: BotRuleBody });

/** Routes naming one rule. */
export const BotRuleIdSchema = z.object({ params: idParams });

export type BotRuleInput = z.infer<typeof BotRuleBody>;

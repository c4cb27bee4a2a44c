import mongoose, { type InferSchemaType, type Types } from "mongoose";

export const BOT_TRIGGERS = ["keyword", "join"] as const;
export const BOT_MATCHES = ["exact", "contains"] as const;
export const BOT_SCOPES = ["all", "groups", "funnel"] as const;
export const BOT_LINKS = ["none", "draw", "funnel"] as const;

/**
 * What the group bot says, where and when: to a keyword said in a group (exact or contained), or
 * to people joining; in every group, in chosen customer groups, or in a funnel's groups. The
 * reply is a text template that may carry a draw or funnel link and mentions whoever it answers.
 */
const botRuleSchema = new mongoose.Schema(
  {
    name: { type: String, required: true },
    enabled: { type: Boolean, default: true },
    trigger: { type: String, enum: BOT_TRIGGERS, required: true },
    /** For keyword rules: compared with the message text, trimmed, without @mentions. */
    keyword: { type: String, default: "" },
    match: { type: String, enum: BOT_MATCHES, default: "exact" },
    scope: { type: String, enum: BOT_SCOPES, default: "all" },
    /** chat ids of the customer groups, for scope "groups". */
    chatIds: { type: [String], default: [] },
    /** For scope "funnel": the funnel whose pool's groups the rule covers. */
    funnelId: { type: mongoose.Schema.Types.ObjectId, default: null },
    /** Template: {链接} becomes the link, {昵称} the names of those answered. */
    replyText: { type: String, default: "" },
    link: { type: String, enum: BOT_LINKS, default: "none" },
    drawSlug: { type: String, default: null },
    linkFunnelId: { type: mongoose.Schema.Types.ObjectId, default: null },
    /** Whether the reply @-mentions the speaker or the joiners. */
    mention: { type: Boolean, default: true },
    /** Corp tag ids applied to a speaker linked to a customer (keyword rules). */
    tagIds: { type: [String], default: [] },
    /** At most one reply of this rule per room within this many seconds. */
    cooldownSeconds: { type: Number, default: 30 },
  },
  { collection: "bot_rules", timestamps: true, versionKey: false },
);

export type BotRuleAttrs = InferSchemaType<typeof botRuleSchema>;
export type StoredBotRule = BotRuleAttrs & { _id: Types.ObjectId; createdAt: Date; updatedAt: Date };
export const BotRule = mongoose.model("BotRule", botRuleSchema);

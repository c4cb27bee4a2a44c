import mongoose, { type InferSchemaType } from "mongoose";

/**
 * A room the bot sits in, keyed `<puppet>:<room id>`. Web puppets give a room a new id at every
 * login (wecom-reference §12), so the topic is kept as the fallback key, and the customer group
 * it matches by topic (chatId) is what rules are scoped by. The counters are the rate limits,
 * taken by conditional updates on _id.
 */
const botRoomSchema = new mongoose.Schema(
  {
    _id: { type: String, required: true },
    puppet: { type: String, required: true },
    roomId: { type: String, required: true },
    topic: { type: String, default: "" },
    /** The customer group with this topic, when exactly one active group has it. */
    chatId: { type: String, default: null },
    /** Per rule id: when its last reply here went out (the rule's cooldown). */
    ruleRepliedAt: { type: mongoose.Schema.Types.Mixed, default: {} },
    /** The room's one-minute send window: its start and how many sends it holds. */
    windowStart: { type: Date, default: () => new Date(0) },
    windowCount: { type: Number, default: 0 },
    seenAt: { type: Date, default: null },
  },
  { collection: "bot_rooms", versionKey: false, minimize: false },
);

botRoomSchema.index({ topic: 1 });

export type BotRoomAttrs = InferSchemaType<typeof botRoomSchema>;
export const BotRoom = mongoose.model("BotRoom", botRoomSchema);

import mongoose, { type InferSchemaType } from "mongoose";

/**
 * A person the bot saw in a room, keyed `<puppet>:<contact id>`, with the name as the fallback
 * key. Linked to a customer only by name: a follow's remark or the customer's name, when exactly
 * one matches (docs/bot.md says how weak that is).
 */
const botContactSchema = new mongoose.Schema(
  {
    _id: { type: String, required: true },
    puppet: { type: String, required: true },
    contactId: { type: String, required: true },
    name: { type: String, default: "" },
    /** The name the person has in the room (room alias), when the puppet gives one. */
    roomAlias: { type: String, default: "" },
    externalUserId: { type: String, default: null },
    linkedBy: { type: String, enum: ["follow_remark", "customer_name", null], default: null },
    /** The name the link was decided on: decided again when the name changes. */
    linkedName: { type: String, default: null },
    seenAt: { type: Date, default: null },
  },
  { collection: "bot_contacts", versionKey: false },
);

export type BotContactAttrs = InferSchemaType<typeof botContactSchema>;
export const BotContact = mongoose.model("BotContact", botContactSchema);

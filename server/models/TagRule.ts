import mongoose, { type InferSchemaType } from "mongoose";

export const TAG_RULE_TRIGGERS = ["channel_state", "group_join", "level", "rfm"] as const;
export type TagRuleTrigger = (typeof TAG_RULE_TRIGGERS)[number];

/** Tag customers automatically: when they add a guide through a channel code, join a group, or hold a level or RFM score. */
const tagRuleSchema = new mongoose.Schema(
  {
    name: { type: String, required: true, unique: true },
    trigger: { type: String, enum: TAG_RULE_TRIGGERS, required: true },
    /** channel_state: states; group_join: chat ids; level: level codes; rfm: score lists. */
    condition: {
      type: new mongoose.Schema(
        { states: [String], chatIds: [String], levels: [String], r: [Number], f: [Number], m: [Number] },
        { _id: false },
      ),
      default: () => ({}),
    },
    tagIds: { type: [String], required: true },
    enabled: { type: Boolean, default: true },
  },
  { collection: "tag_rules", timestamps: true, versionKey: false },
);

export type TagRuleAttrs = InferSchemaType<typeof tagRuleSchema>;
export const TagRule = mongoose.model("TagRule", tagRuleSchema);

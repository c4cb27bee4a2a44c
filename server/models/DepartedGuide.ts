import mongoose, { type InferSchemaType } from "mongoose";

/**
 * A departed guide with customers or customer groups waiting for a new guide (离职继承's list of
 * guides), `_id` the guide's userid. The daily unassigned sync writes the counts from WeCom's
 * whole lists; a transfer done takes its customer (or group) off at once, so the page reads one
 * document per guide instead of counting the unassigned customers.
 */
const departedGuideSchema = new mongoose.Schema(
  {
    _id: { type: String, required: true },
    /** The guide's store (main department) when they left, for managers' scope. */
    storeId: { type: String, default: null },
    customers: { type: Number, default: 0 },
    /** Customer groups WeCom holds for a new owner (groupchat/list 离职待继承): the size of groupChatIds. */
    groups: { type: Number, default: 0 },
    groupChatIds: { type: [String], default: [] },
    dimissionTime: { type: Date, default: null },
    syncedAt: { type: Date, required: true },
  },
  { collection: "departed_guides", versionKey: false },
);

departedGuideSchema.index({ storeId: 1, dimissionTime: -1 });
departedGuideSchema.index({ syncedAt: 1 });

export type DepartedGuideAttrs = InferSchemaType<typeof departedGuideSchema> & { _id: string };
export const DepartedGuide = mongoose.model("DepartedGuide", departedGuideSchema);

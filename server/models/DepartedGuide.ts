import mongoose, { type InferSchemaType } from "mongoose";

/**
 * A departed guide with customers waiting for a takeover guide (离职继承's list of guides), `_id`
 * the guide's userid. The daily unassigned sync writes the counts from WeCom's whole list; a
 * transfer done takes its customer (or group) off the count at once, so the page reads one
 * document per guide instead of counting the unassigned customers.
 */
const departedGuideSchema = new mongoose.Schema(
  {
    _id: { type: String, required: true },
    /** The guide's store (main department) when they left, for managers' scope. */
    storeId: { type: String, default: null },
    customers: { type: Number, default: 0 },
    /** Customer groups the guide still owns. */
    groups: { type: Number, default: 0 },
    dimissionTime: { type: Date, default: null },
    syncedAt: { type: Date, required: true },
  },
  { collection: "departed_guides", versionKey: false },
);

departedGuideSchema.index({ storeId: 1, dimissionTime: -1 });
departedGuideSchema.index({ syncedAt: 1 });

export type DepartedGuideAttrs = InferSchemaType<typeof departedGuideSchema> & { _id: string };
export const DepartedGuide = mongoose.model("DepartedGuide", departedGuideSchema);

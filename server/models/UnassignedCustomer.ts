import mongoose, { type InferSchemaType } from "mongoose";

/**
 * A customer of a departed guide not yet given to anyone (WeCom's get_unassigned_list),
 * `_id` `<handover>:<external_userid>`. The daily sync rewrites what WeCom lists and removes what
 * it no longer does.
 */
const unassignedCustomerSchema = new mongoose.Schema(
  {
    _id: { type: String, required: true },
    handoverUserId: { type: String, required: true },
    externalUserId: { type: String, required: true },
    /** The customer's name when last synced, for the page's search. */
    customerName: { type: String, default: "" },
    dimissionTime: { type: Date, default: null },
    /** The departed guide's store (main department), for the filter and managers' scope. */
    storeId: { type: String, default: null },
    syncedAt: { type: Date, required: true },
    /** A transfer of this customer is on its way (set at the start, cleared when it ends without success). */
    transferring: { type: Boolean, default: false },
  },
  { collection: "unassigned_customers", versionKey: false },
);

unassignedCustomerSchema.index({ storeId: 1, handoverUserId: 1, dimissionTime: -1 });
unassignedCustomerSchema.index({ handoverUserId: 1, dimissionTime: -1 });
unassignedCustomerSchema.index({ syncedAt: 1 });

export type UnassignedCustomerAttrs = InferSchemaType<typeof unassignedCustomerSchema> & { _id: string };
export const UnassignedCustomer = mongoose.model("UnassignedCustomer", unassignedCustomerSchema);

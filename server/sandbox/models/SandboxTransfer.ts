import mongoose, { type InferSchemaType } from "mongoose";

/**
 * One customer's transfer as WeCom keeps it (transfer_customer / resigned/transfer_customer), `_id`
 * `<kind>|<external_userid>|<handover>|<takeover>|<created>`. Its outcome is decided when it is made
 * (`outcome`, shown from `decide_time`); until then transfer_result answers 2 (waiting). A done
 * transfer moves the follow once (`applied`).
 */
const sandboxTransferSchema = new mongoose.Schema(
  {
    _id: { type: String, required: true },
    kind: { type: String, enum: ["resigned", "onjob"], required: true },
    external_userid: { type: String, required: true },
    handover_userid: { type: String, required: true },
    takeover_userid: { type: String, required: true },
    /** Unix seconds. */
    create_time: { type: Number, required: true },
    /** 1 done, 3 refused by the customer, 4 takeover full (wecom-reference §4.11). */
    outcome: { type: Number, required: true },
    decide_time: { type: Number, required: true },
    applied: { type: Boolean, default: false },
  },
  { collection: "sandbox_transfers", versionKey: false },
);

sandboxTransferSchema.index({ handover_userid: 1, takeover_userid: 1 });
sandboxTransferSchema.index({ external_userid: 1 });

export type SandboxTransferAttrs = InferSchemaType<typeof sandboxTransferSchema> & { _id: string };
export const SandboxTransfer = mongoose.model("SandboxTransfer", sandboxTransferSchema);

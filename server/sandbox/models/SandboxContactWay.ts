import mongoose, { type InferSchemaType, type HydratedDocument } from "mongoose";

/** A 联系我 contact way (channel code) (wecom-reference §4.4 add_contact_way). */
const sandboxContactWaySchema = new mongoose.Schema(
  {
    /** = config_id. */
    _id: { type: String, default: function (this: { config_id: string }) { return this.config_id; } },
    config_id: { type: String, required: true, unique: true },
    /** 1 single, 2 multiple members. */
    type: { type: Number, required: true },
    /** 1 mini-program, 2 QR code. */
    scene: { type: Number, required: true },
    style: { type: Number, default: 0 },
    state: { type: String, default: "" },
    user: { type: [String], default: [] },
    party: { type: [Number], default: [] },
    remark: { type: String, default: "" },
    skip_verify: { type: Boolean, default: true },
    is_temp: { type: Boolean, default: false },
    expires_in: { type: Number, default: 0 },
    chat_expires_in: { type: Number, default: 0 },
    unionid: { type: String, default: "" },
    /** The stand-in's own URL of the QR PNG. */
    qr_code: { type: String, default: "" },
    created_at: { type: Date, default: () => new Date() },
  },
  { collection: "sandbox_contact_ways", versionKey: false },
);

export type SandboxContactWayAttrs = InferSchemaType<typeof sandboxContactWaySchema>;
export type SandboxContactWayDoc = HydratedDocument<SandboxContactWayAttrs>;
export const SandboxContactWay = mongoose.model("SandboxContactWay", sandboxContactWaySchema);

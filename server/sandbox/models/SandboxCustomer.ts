import mongoose, { type InferSchemaType, type HydratedDocument } from "mongoose";

/** A WeChat user known to the sandbox corp as an external contact (wecom-reference §4.1 external_contact). */
const sandboxCustomerSchema = new mongoose.Schema(
  {
    /** = external_userid. */
    _id: { type: String, default: function (this: { external_userid: string }) { return this.external_userid; } },
    external_userid: { type: String, required: true, unique: true },
    name: { type: String, required: true },
    /** 1 WeChat user, 2 WeCom user. */
    type: { type: Number, default: 1 },
    avatar: { type: String, default: "" },
    /** 0 unknown, 1 male, 2 female. */
    gender: { type: Number, default: 0 },
    unionid: { type: String, default: "" },
    created_at: { type: Date, default: () => new Date() },
  },
  { collection: "sandbox_customers", versionKey: false },
);

export type SandboxCustomerAttrs = InferSchemaType<typeof sandboxCustomerSchema>;
export type SandboxCustomerDoc = HydratedDocument<SandboxCustomerAttrs>;
export const SandboxCustomer = mongoose.model("SandboxCustomer", sandboxCustomerSchema);

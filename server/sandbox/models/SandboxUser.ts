import mongoose, { type InferSchemaType, type HydratedDocument } from "mongoose";

/** A member of the sandbox corp's directory: guides and managers (wecom-reference §5.1 user/get). */
const sandboxUserSchema = new mongoose.Schema(
  {
    /** = userid. */
    _id: { type: String, default: function (this: { userid: string }) { return this.userid; } },
    userid: { type: String, required: true, unique: true },
    name: { type: String, required: true },
    department: { type: [Number], default: [] },
    main_department: { type: Number, default: 1 },
    position: { type: String, default: "" },
    /** 1 active, 2 disabled, 4 not activated, 5 left (wecom-reference §5.1). */
    status: { type: Number, default: 1 },
    avatar: { type: String, default: "" },
    gender: { type: String, default: "0" },
    mobile: { type: String, default: "" },
    email: { type: String, default: "" },
    alias: { type: String, default: "" },
    open_userid: { type: String, default: "" },
  },
  { collection: "sandbox_users", versionKey: false },
);

export type SandboxUserAttrs = InferSchemaType<typeof sandboxUserSchema>;
export type SandboxUserDoc = HydratedDocument<SandboxUserAttrs>;
export const SandboxUser = mongoose.model("SandboxUser", sandboxUserSchema);

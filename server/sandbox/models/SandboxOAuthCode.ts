import mongoose, { type InferSchemaType, type HydratedDocument } from "mongoose";

/** An OAuth code is good for this long (WeCom: 5 minutes, one use). */
export const SANDBOX_OAUTH_CODE_TTL_MS = 5 * 60 * 1000;

/** A login code minted by the sandbox's /sandbox/oauth stand-in, redeemed by auth/getuserinfo. */
const sandboxOAuthCodeSchema = new mongoose.Schema(
  {
    /** = code. */
    _id: { type: String, default: function (this: { code: string }) { return this.code; } },
    code: { type: String, required: true, unique: true },
    userid: { type: String, required: true },
    expires_at: { type: Date, required: true },
    used: { type: Boolean, default: false },
  },
  { collection: "sandbox_oauth_codes", versionKey: false },
);

export type SandboxOAuthCodeAttrs = InferSchemaType<typeof sandboxOAuthCodeSchema>;
export type SandboxOAuthCodeDoc = HydratedDocument<SandboxOAuthCodeAttrs>;
export const SandboxOAuthCode = mongoose.model("SandboxOAuthCode", sandboxOAuthCodeSchema);

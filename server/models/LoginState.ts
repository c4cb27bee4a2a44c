import mongoose, { type InferSchemaType } from "mongoose";

/**
 * A login the server started: the OAuth `state` it issued (the `_id`), where to return, and
 * whether it was used. A callback is honoured once, for a state issued here and not expired.
 */
const loginStateSchema = new mongoose.Schema(
  {
    _id: { type: String, required: true },
    mode: { type: String, enum: ["oauth", "qr"], required: true },
    returnTo: { type: String, required: true },
    expiresAt: { type: Date, required: true },
  },
  { collection: "login_states", timestamps: true, versionKey: false },
);

loginStateSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

export type LoginStateAttrs = InferSchemaType<typeof loginStateSchema>;
export const LoginState = mongoose.model("LoginState", loginStateSchema);

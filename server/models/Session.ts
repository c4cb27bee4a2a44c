import mongoose, { type InferSchemaType } from "mongoose";

/**
 * A logged-in employee. `_id` is the SHA-256 of the cookie's token, so a read of this collection
 * does not hand out live sessions; looked up by `_id` (the one index the embedded server uses).
 */
const sessionSchema = new mongoose.Schema(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true },
    /** How the session began: oauth (inside WeCom), qr (web login), bootstrap, dev. */
    via: { type: String, enum: ["oauth", "qr", "bootstrap", "dev"], required: true },
    expiresAt: { type: Date, required: true },
  },
  { collection: "sessions", timestamps: true, versionKey: false },
);

sessionSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

export type SessionAttrs = InferSchemaType<typeof sessionSchema>;
export const Session = mongoose.model("Session", sessionSchema);

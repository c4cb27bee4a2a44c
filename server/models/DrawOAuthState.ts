import mongoose, { type InferSchemaType } from "mongoose";

/**
 * A WeChat web OAuth round trip the draw page started: the `state` it sent (the `_id`), the draw
 * and when it expires; deleted when the callback uses it, so a state works once. Codes WeChat
 * gave back are kept here too (`code<sha256>`) for a while, so a replayed code is refused before
 * WeChat is asked.
 */
const drawOAuthStateSchema = new mongoose.Schema(
  {
    _id: { type: String, required: true },
    slug: { type: String, required: true },
    expiresAt: { type: Date, required: true },
  },
  { collection: "draw_oauth_states", versionKey: false },
);

// The embedded database never expires TTL indexes; MongoDB in production does. Expired states are
// refused by their expiresAt either way.
drawOAuthStateSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

export type DrawOAuthStateAttrs = InferSchemaType<typeof drawOAuthStateSchema>;
export const DrawOAuthState = mongoose.model("DrawOAuthState", drawOAuthStateSchema);

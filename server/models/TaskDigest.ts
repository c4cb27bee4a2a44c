import mongoose, { type InferSchemaType } from "mongoose";

/**
 * One guide's morning digest of one China day, `_id` `<userId>:<day>`: the unique key that makes
 * the digest go out once per guide per day however often the job runs. `sending` is a claim (a
 * process that dies holding it leaves it to be taken again after a while), `sent` and `invalid`
 * (WeCom does not know the guide) are final.
 */
const taskDigestSchema = new mongoose.Schema(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true },
    day: { type: String, required: true },
    state: { type: String, enum: ["sending", "sent", "invalid"], required: true },
    claimedAt: { type: Date, required: true },
    sentAt: { type: Date, default: null },
    /** Open tasks the digest counted (for support: what the guide was told). */
    open: { type: Number, default: 0 },
  },
  { collection: "task_digests", versionKey: false },
);

export type TaskDigestAttrs = InferSchemaType<typeof taskDigestSchema> & { _id: string };
export const TaskDigest = mongoose.model("TaskDigest", taskDigestSchema);

/**
 * @param userId the guide.
 * @param day China day YYYY-MM-DD.
 * @returns the digest's _id.
 */
export const taskDigestId = (userId: string, day: string): string => `${userId}:${day}`;

import mongoose, { type InferSchemaType } from "mongoose";

/**
 * Tags owed to a customer for taking part in or winning a draw. The draw only writes this
 * (keyed `<drawId>:<participant hash>:join` or `<drawId>:win:<winId>`, so a retried draw owes
 * nothing twice); ApplyDrawTagsJob tags through WeCom, away from the draw's hot path.
 */
const drawTagTaskSchema = new mongoose.Schema(
  {
    _id: { type: String, required: true },
    drawId: { type: mongoose.Schema.Types.ObjectId, required: true },
    externalUserId: { type: String, required: true },
    tagIds: { type: [String], default: [] },
    status: { type: String, enum: ["pending", "done", "failed"], default: "pending" },
    attempts: { type: Number, default: 0 },
    lastError: { type: String, default: null },
    at: { type: Date, required: true },
  },
  { collection: "draw_tag_tasks", versionKey: false },
);

drawTagTaskSchema.index({ status: 1, at: 1 });

export type DrawTagTaskAttrs = InferSchemaType<typeof drawTagTaskSchema>;
export const DrawTagTask = mongoose.model("DrawTagTask", drawTagTaskSchema);

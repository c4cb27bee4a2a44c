import mongoose, { type InferSchemaType } from "mongoose";

/**
 * A customer's open tasks by id (`_id` the external_userid), so a note, a redemption, an order or
 * a deleted follow finds the tasks it settles by key instead of searching `tasks` (the embedded
 * database scans every query that is not an exact unique key). Kept with $addToSet when a task is
 * inserted (again by every rerun of the generator, which repairs a crash in between) and $pull
 * when it is done or closed.
 */
const openTaskIndexSchema = new mongoose.Schema(
  {
    _id: { type: String, required: true },
    taskIds: { type: [String], default: [] },
  },
  { collection: "open_task_index", versionKey: false },
);

export type OpenTaskIndexAttrs = InferSchemaType<typeof openTaskIndexSchema>;
export const OpenTaskIndex = mongoose.model("OpenTaskIndex", openTaskIndexSchema);

import mongoose, { type InferSchemaType } from "mongoose";

/**
 * The work queue of one lane (a customer, a group, the tag list, the directory): ids of its
 * unfinished events. Workers lease a whole lane, which gives one-at-a-time, in-order handling
 * per lane, and every hot query goes by _id (the embedded database only indexes unique keys).
 * A lane document exists only while it has work, so the collection stays small.
 */
const laneSchema = new mongoose.Schema(
  {
    _id: { type: String, required: true },
    pending: {
      type: [new mongoose.Schema({ id: mongoose.Schema.Types.ObjectId, t: Number }, { _id: false })],
      default: [],
    },
    /** When the lane's head event may next be attempted. */
    due: { type: Date, required: true },
    leaseOwner: { type: String, default: null },
    leaseUntil: { type: Date, default: null },
  },
  { collection: "event_lanes", versionKey: false },
);

export type EventLaneAttrs = InferSchemaType<typeof laneSchema>;
export const EventLane = mongoose.model("EventLane", laneSchema);

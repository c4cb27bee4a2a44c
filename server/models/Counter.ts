import mongoose from "mongoose";

/** Named sequences (member numbers); advanced with an atomic $inc by _id. */
const counterSchema = new mongoose.Schema(
  { _id: { type: String, required: true }, value: { type: Number, default: 0 } },
  { collection: "counters", versionKey: false },
);

export const Counter = mongoose.model("Counter", counterSchema);

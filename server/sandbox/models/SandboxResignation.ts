import mongoose, { type InferSchemaType } from "mongoose";

/** A member who left the sandbox corp (the sandbox page's 离职 button), `_id` the userid: when, for get_unassigned_list. */
const sandboxResignationSchema = new mongoose.Schema(
  {
    _id: { type: String, required: true },
    /** Unix seconds. */
    dimission_time: { type: Number, required: true },
  },
  { collection: "sandbox_resignations", versionKey: false },
);

export type SandboxResignationAttrs = InferSchemaType<typeof sandboxResignationSchema> & { _id: string };
export const SandboxResignation = mongoose.model("SandboxResignation", sandboxResignationSchema);

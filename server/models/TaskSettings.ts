import mongoose, { type InferSchemaType } from "mongoose";

/**
 * The task rules as an operator saved them (server/domain/taskRules.ts). Every save is a new
 * version (the _id), like the membership programme: the rules in force are the highest version,
 * and the earlier ones say what tasks were generated under.
 */
const taskSettingsSchema = new mongoose.Schema(
  {
    _id: { type: Number, required: true },
    rules: { type: mongoose.Schema.Types.Mixed, required: true },
    savedBy: { type: String, default: null },
    savedAt: { type: Date, required: true },
  },
  { collection: "task_settings", versionKey: false },
);

export type TaskSettingsAttrs = InferSchemaType<typeof taskSettingsSchema>;
export const TaskSettings = mongoose.model("TaskSettings", taskSettingsSchema);

import mongoose, { type InferSchemaType } from "mongoose";

/**
 * The membership program as an operator configured it. Every save is a new version (the _id),
 * so the history is the collection itself and the current program is the highest version.
 */
const programSettingsSchema = new mongoose.Schema(
  {
    _id: { type: Number, required: true },
    program: { type: mongoose.Schema.Types.Mixed, required: true },
    savedBy: { type: String, default: null },
    savedAt: { type: Date, required: true },
  },
  { collection: "program_settings", versionKey: false },
);

export type ProgramSettingsAttrs = InferSchemaType<typeof programSettingsSchema>;
export const ProgramSettings = mongoose.model("ProgramSettings", programSettingsSchema);

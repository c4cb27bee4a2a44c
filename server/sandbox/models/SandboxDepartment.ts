import mongoose, { type InferSchemaType, type HydratedDocument } from "mongoose";

/** A department of the sandbox corp: 1 is the brand, stores sit below it (wecom-reference §5.1). */
const sandboxDepartmentSchema = new mongoose.Schema(
  {
    /** = id, so the embedded DB finds a department by its key. */
    _id: { type: Number, default: function (this: { id: number }) { return this.id; } },
    id: { type: Number, required: true, unique: true },
    name: { type: String, required: true },
    name_en: { type: String, default: "" },
    /** 0 for the root department. */
    parentid: { type: Number, default: 0 },
    order: { type: Number, default: 0 },
    department_leader: { type: [String], default: [] },
  },
  { collection: "sandbox_departments", versionKey: false, id: false },
);

export type SandboxDepartmentAttrs = InferSchemaType<typeof sandboxDepartmentSchema>;
export type SandboxDepartmentDoc = HydratedDocument<SandboxDepartmentAttrs>;
export const SandboxDepartment = mongoose.model("SandboxDepartment", sandboxDepartmentSchema);

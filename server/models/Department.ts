import mongoose, { type InferSchemaType, type HydratedDocument } from "mongoose";

/** A WeCom department; stores and regions are departments. */
const departmentSchema = new mongoose.Schema(
  {
    departmentId: { type: Number, required: true, unique: true },
    name: { type: String, default: "" },
    parentId: { type: Number, default: null },
    order: { type: Number, default: 0 },
    deleted: { type: Boolean, default: false },
  },
  { collection: "departments", timestamps: true, versionKey: false },
);

export type DepartmentAttrs = InferSchemaType<typeof departmentSchema>;
export type DepartmentDoc = HydratedDocument<DepartmentAttrs>;
export const Department = mongoose.model("Department", departmentSchema);

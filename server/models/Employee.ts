import mongoose, { type InferSchemaType, type HydratedDocument } from "mongoose";

/** A WeCom member (guide, manager) from the directory. */
const employeeSchema = new mongoose.Schema(
  {
    userId: { type: String, required: true, unique: true },
    name: { type: String, default: "" },
    departmentIds: { type: [Number], default: [] },
    mainDepartmentId: { type: Number, default: null },
    position: { type: String, default: "" },
    alias: { type: String, default: "" },
    /** WeCom status: 1 active, 2 disabled, 4 not activated, 5 quit; "deleted" after delete_user. */
    wecomStatus: { type: Number, default: 1 },
    deleted: { type: Boolean, default: false },
  },
  { collection: "employees", timestamps: true, versionKey: false },
);

employeeSchema.index({ departmentIds: 1 });

export type EmployeeAttrs = InferSchemaType<typeof employeeSchema>;
export type EmployeeDoc = HydratedDocument<EmployeeAttrs>;
export const Employee = mongoose.model("Employee", employeeSchema);

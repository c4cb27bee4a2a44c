import mongoose, { type InferSchemaType, type HydratedDocument } from "mongoose";

export const ROLES = ["admin", "operator", "manager", "guide"] as const;
export type Role = (typeof ROLES)[number];

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
    /** Who may see what (server/security/authorization.ts); everyone starts as a guide. */
    role: { type: String, enum: ROLES, default: "guide" },
    /** For a manager: the stores (department ids as strings) the manager runs. */
    scopeStoreIds: { type: [String], default: [] },
  },
  { collection: "employees", timestamps: true, versionKey: false },
);

employeeSchema.index({ departmentIds: 1 });
employeeSchema.index({ role: 1 });

export type EmployeeAttrs = InferSchemaType<typeof employeeSchema>;
export type EmployeeDoc = HydratedDocument<EmployeeAttrs>;
export const Employee = mongoose.model("Employee", employeeSchema);

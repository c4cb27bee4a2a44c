import mongoose, { type InferSchemaType } from "mongoose";
import { ROLES } from "./Employee.ts";

/** One change of an employee's console role: who changed what, and when (append-only history). */
const roleChangeSchema = new mongoose.Schema(
  {
    userId: { type: String, required: true },
    fromRole: { type: String, enum: ROLES, required: true },
    fromScopeStoreIds: { type: [String], default: [] },
    toRole: { type: String, enum: ROLES, required: true },
    toScopeStoreIds: { type: [String], default: [] },
    /** The admin's userId, or "api_token" for a script with SCRM_API_TOKEN. */
    changedBy: { type: String, required: true },
    changedAt: { type: Date, required: true },
  },
  { collection: "role_changes", versionKey: false },
);

roleChangeSchema.index({ userId: 1, changedAt: -1 });

export type RoleChangeAttrs = InferSchemaType<typeof roleChangeSchema>;
export const RoleChange = mongoose.model("RoleChange", roleChangeSchema);

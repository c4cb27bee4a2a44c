import { z } from "zod";
import { ROLES } from "../../models/Employee.ts";
import { page, pageSize } from "./fields.ts";

/** A store is a WeCom department; its id travels as a string of digits. */
export const storeId = z.string().trim().regex(/^\d{1,10}$/, "must be a store (department) id");
const blankToUndefined = (value: unknown) => (value === "" ? undefined : value);

/**
 * `GET /employees?q=&storeId=&role=&groupOwners=&page=&pageSize=`; empty filters mean "any".
 * groupOwners=true: only those who own an active customer group (the 群发 owner picker).
 */
export const EmployeeListSchema = z.object({
  query: z.object({
    q: z.string().trim().max(40, "is too long").optional(),
    storeId: z.preprocess(blankToUndefined, storeId.optional()),
    role: z.preprocess(blankToUndefined, z.enum(ROLES, { error: `must be one of ${ROLES.join(", ")}` }).optional()),
    groupOwners: z.preprocess(blankToUndefined, z.enum(["true", "false"], { error: "群主筛选应为 true 或 false" }).optional()),
    page,
    pageSize,
  }),
});

/** `PUT /employees/:userId/role`: a manager needs at least one store; other roles get none. */
export const EmployeeRoleSchema = z.object({
  params: z.object({ userId: z.string().min(1, "is required").max(64, "is too long") }),
  body: z
    .object({
      role: z.enum(ROLES, { error: `must be one of ${ROLES.join(", ")}` }),
      scopeStoreIds: z.array(storeId, { error: "must be a list of store ids" }).max(500, "has too many stores").default([]),
    })
    .superRefine((body, context) => {
      if (body.role === "manager" && body.scopeStoreIds.length === 0) {
        context.addIssue({ code: "custom", path: ["scopeStoreIds"], message: "店长至少需要管理一个门店" });
      }
    })
    .transform((body) => ({ role: body.role, scopeStoreIds: body.role === "manager" ? [...new Set(body.scopeStoreIds)] : [] })),
});

// The common documents tests start from, built one way. Members and their orders go through the
// product's own command (orderRecorder), so levels, points and identities follow its rules.
import orderRecorder, { type OrderOutcome } from "../../server/commands/orderRecorder.ts";
import { currentProgram } from "../../server/commands/programStore.ts";
import { Customer } from "../../server/models/Customer.ts";
import { Department } from "../../server/models/Department.ts";
import { Employee } from "../../server/models/Employee.ts";
import { Follow } from "../../server/models/Follow.ts";
import { Group } from "../../server/models/Group.ts";

type Role = "admin" | "operator" | "manager" | "guide";

/**
 * A store (a department under the root).
 *
 * @param departmentId the department id.
 * @param name its name.
 */
export async function aStore(departmentId: number, name = `门店${departmentId}`): Promise<void> {
  await Department.create({ departmentId, name, parentId: 1 });
}

/**
 * An employee in the directory.
 *
 * @param userId the WeCom userid.
 * @param fields role, stores worked in (departments), stores managed, name.
 */
export async function anEmployee(userId: string, fields: { role?: Role; departmentIds?: number[]; scopeStoreIds?: string[]; name?: string } = {}): Promise<void> {
  await Employee.create({ userId, name: fields.name ?? userId, role: fields.role ?? "guide", departmentIds: fields.departmentIds ?? [], scopeStoreIds: fields.scopeStoreIds ?? [] });
}

/**
 * A WeCom customer followed by a guide.
 *
 * @param externalUserId the customer.
 * @param guide the guide who added them.
 * @param fields name, follow status, tags, channel state.
 */
export async function aCustomerWithFollow(
  externalUserId: string,
  guide: string,
  fields: { name?: string; status?: "active" | "deleted_by_customer" | "deleted_by_employee"; tagIds?: string[]; state?: string } = {},
): Promise<void> {
  await Customer.create({ externalUserId, name: fields.name ?? externalUserId });
  await Follow.create({ externalUserId, userId: guide, status: fields.status ?? "active", tagIds: fields.tagIds ?? [], state: fields.state ?? "", addedAt: new Date() });
}

/**
 * A customer group with customers in it.
 *
 * @param chatId the group.
 * @param owner the guide who owns it.
 * @param customers customers in it (joined by QR).
 * @param name its name.
 */
export async function aGroup(chatId: string, owner: string, customers: string[] = [], name = chatId): Promise<void> {
  await Group.create({ chatId, name, ownerId: owner, members: customers.map((id) => ({ id, type: "customer", status: "in", joinScene: 3 })) });
}

/**
 * A member made the way orders make members: each order recorded by the product's command.
 *
 * @param who the identity the orders carry (a phone or unionid) and a name.
 * @param orders amount in yuan, when paid, and optionally the store.
 * @returns the last order's outcome (its memberNo).
 */
export async function aMemberWithOrders(
  who: { phone?: string; unionid?: string; name?: string },
  orders: { yuan: number; paidAt: string; storeId?: string; channel?: string }[],
): Promise<Extract<OrderOutcome, { memberNo: string }>> {
  const { program } = await currentProgram();
  let outcome: OrderOutcome | null = null;
  for (const [index, order] of orders.entries()) {
    outcome = await orderRecorder(
      {
        channel: order.channel ?? "store",
        orderNo: `F${who.phone ?? who.unionid}-${index}`,
        amount: Math.round(order.yuan * 100),
        paidAt: new Date(order.paidAt),
        status: "paid",
        refundedAmount: 0,
        member: who,
        items: [],
        storeId: order.storeId,
      },
      program,
      new Date(order.paidAt),
    );
  }
  if (!outcome || outcome.result === "rejected") {
    throw new Error(`aMemberWithOrders: ${outcome?.result === "rejected" ? outcome.reason : "no orders"}`);
  }
  return outcome;
}

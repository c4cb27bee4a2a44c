import type Router from "@koa/router";
import { createRouter } from "../router.ts";
import { z } from "zod";
import { currentProgram } from "../../commands/programStore.ts";
import { NotFoundError } from "../../errors.ts";
import { actorOf } from "../../middlewares/authenticate.ts";
import { inputOf, validate } from "../../middlewares/validate.ts";
import { Customer } from "../../models/Customer.ts";
import { Employee } from "../../models/Employee.ts";
import { Group } from "../../models/Group.ts";
import { Member } from "../../models/Member.ts";
import { MemberIdentity } from "../../models/MemberIdentity.ts";
import { presentSidebarGroup } from "../../presenters/sidebarGroup.ts";
import { assertGroup } from "../../security/authorization.ts";

const GroupSchema = z.object({ params: z.object({ chatId: z.string().trim().min(1).max(128) }) });

/**
 * The sidebar's group view: who owns it, how people joined, and which customers in it are members.
 *
 * @returns the router (mounted under /api/sidebar).
 */
export function sidebarGroupsRouter(): Router {
  const router = createRouter();
  router.get("/groups/:chatId", validate(GroupSchema), async (ctx) => {
    const { params } = inputOf(ctx, GroupSchema);
    await assertGroup(actorOf(ctx), params.chatId);
    const group = await Group.findOne({ chatId: params.chatId }).lean();
    if (!group) {
      throw NotFoundError("group");
    }
    const customers = group.members.filter((member) => member.status === "in" && member.type === "customer");
    const unnamed = customers.filter((member) => !member.groupNickname && !member.name).map((member) => member.id);
    const [owner, { program }, identities, named] = await Promise.all([
      Employee.findOne({ userId: group.ownerId }, { name: 1 }).lean(),
      currentProgram(),
      // One unique-key read per customer: the embedded database serves those from its index.
      Promise.all(customers.map((member) => MemberIdentity.findById(`customer:${member.id}`, { memberId: 1 }).lean())),
      // Group events often carry no name; the customer record has the one WeCom gave.
      unnamed.length > 0 ? Customer.find({ externalUserId: { $in: unnamed } }, { externalUserId: 1, name: 1 }).lean() : [],
    ]);
    const memberIds = [...new Set(identities.flatMap((identity) => (identity ? [String(identity.memberId)] : [])))];
    const members = await Promise.all(memberIds.map((id) => Member.findById(id, { memberNo: 1, levelCode: 1 }).lean()));
    const byId = new Map(members.flatMap((member) => (member ? [[String(member._id), member] as const] : [])));
    const levelName = (code: string) => program.levels.find((level) => level.code === code)?.name ?? code;
    const byCustomer = new Map<string, { memberNo: string; levelName: string }>();
    customers.forEach((customer, index) => {
      const member = byId.get(String(identities[index]?.memberId));
      if (member) {
        byCustomer.set(customer.id, { memberNo: member.memberNo, levelName: levelName(member.levelCode) });
      }
    });
    const customerNames = new Map(named.map((customer) => [customer.externalUserId, customer.name]));
    ctx.body = { data: presentSidebarGroup(group, { ownerName: owner?.name, members: byCustomer, customerNames }) };
  });
  return router;
}

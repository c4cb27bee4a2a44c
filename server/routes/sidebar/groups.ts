import type Router from "@koa/router";
import { createRouter } from "../router.ts";
import { z } from "zod";
import { currentProgram } from "../../commands/programStore.ts";
import { NotFoundError } from "../../errors.ts";
import { actorOf } from "../../middlewares/authenticate.ts";
import { validate } from "../../middlewares/validate.ts";
import { Employee } from "../../models/Employee.ts";
import { Group } from "../../models/Group.ts";
import { Member } from "../../models/Member.ts";
import { MemberIdentity } from "../../models/MemberIdentity.ts";
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
    const { params } = ctx.state.input as z.infer<typeof GroupSchema>;
    await assertGroup(actorOf(ctx), params.chatId);
    const group = await Group.findOne({ chatId: params.chatId }).lean();
    if (!group) {
      throw NotFoundError("group");
    }
    const present = group.members.filter((member) => member.status === "in");
    const customers = present.filter((member) => member.type === "customer");
    const [owner, { program }, identities] = await Promise.all([
      Employee.findOne({ userId: group.ownerId }, { name: 1 }).lean(),
      currentProgram(),
      // One unique-key read per customer: the embedded database serves those from its index.
      Promise.all(customers.map((member) => MemberIdentity.findById(`customer:${member.id}`, { memberId: 1 }).lean())),
    ]);
    const memberIds = [...new Set(identities.flatMap((identity) => (identity ? [String(identity.memberId)] : [])))];
    const members = await Promise.all(memberIds.map((id) => Member.findById(id, { memberNo: 1, levelCode: 1 }).lean()));
    const byId = new Map(members.flatMap((member) => (member ? [[String(member._id), member] as const] : [])));
    const levelName = (code: string) => program.levels.find((level) => level.code === code)?.name ?? code;
    const joinScenes: Record<string, number> = {};
    for (const member of present) {
      const scene = String(member.joinScene ?? 0);
      joinScenes[scene] = (joinScenes[scene] ?? 0) + 1;
    }
    ctx.body = {
      data: {
        chatId: group.chatId,
        name: group.name,
        ownerId: group.ownerId,
        ownerName: owner?.name || group.ownerId,
        memberCount: present.length,
        customerCount: customers.length,
        joinScenes,
        // Group-code funnels arrive with their own issue; a group belongs to none until then.
        funnel: null,
        members: customers.map((customer, index) => {
          const identity = identities[index];
          const member = identity ? byId.get(String(identity.memberId)) : undefined;
          return {
            externalUserId: customer.id,
            name: customer.groupNickname || customer.name,
            joinScene: customer.joinScene ?? null,
            joinedAt: customer.joinedAt ? customer.joinedAt.toISOString() : null,
            member: member ? { memberNo: member.memberNo, levelName: levelName(member.levelCode) } : null,
          };
        }),
      },
    };
  });
  return router;
}

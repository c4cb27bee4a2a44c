import type { Context } from "koa";
import { NotFoundError } from "../../errors.ts";
import { actorOf } from "../../middlewares/authenticate.ts";
import { Member } from "../../models/Member.ts";
import { assertMember } from "../../security/authorization.ts";

/**
 * The member a console path names, if the actor may see them (the member number is unique and
 * indexed).
 *
 * @param ctx the request (its actor is checked).
 * @param memberNo e.g. M00000001.
 * @returns the stored member.
 * @throws 403 when out of the actor's scope — also for a number that does not exist, so a scoped
 *   actor learns nothing from trying numbers; 404 for admins and operators when there is none.
 */
export async function memberByNo(ctx: Context, memberNo: string) {
  const member = await Member.findOne({ memberNo }).lean();
  await assertMember(actorOf(ctx), member ?? {});
  if (!member) {
    throw NotFoundError("member");
  }
  return member;
}

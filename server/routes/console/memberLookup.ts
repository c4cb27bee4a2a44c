import { NotFoundError } from "../../errors.ts";
import { Member } from "../../models/Member.ts";

/**
 * The member a console path names (the member number is unique and indexed).
 *
 * @param memberNo e.g. M00000001.
 * @returns the stored member.
 * @throws 404 when there is none.
 */
export async function memberByNo(memberNo: string) {
  const member = await Member.findOne({ memberNo }).lean();
  if (!member) {
    throw NotFoundError("member");
  }
  return member;
}

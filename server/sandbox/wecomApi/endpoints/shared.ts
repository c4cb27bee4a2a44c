import { SandboxCustomer, SandboxFollow, SandboxTagGroup, SandboxUser } from "../../models/index.ts";
import type { SandboxCustomerAttrs } from "../../models/SandboxCustomer.ts";
import type { SandboxFollowAttrs } from "../../models/SandboxFollow.ts";
import { ERR, wecomError } from "../endpoint.ts";

/** A member who left is no longer in the directory. */
export const USER_LEFT = 5;

/**
 * The member must exist (40003 otherwise, as WeCom answers an unknown userid in externalcontact APIs).
 *
 * @param userid the member.
 */
export async function requireUser(userid: string): Promise<void> {
  const user = await SandboxUser.findById(userid, { status: 1 }).lean();
  if (!user || user.status === USER_LEFT) {
    throw wecomError(ERR.INVALID_USERID, `invalid userid: ${userid}`);
  }
}

/**
 * The customer must exist (40096 otherwise).
 *
 * @param externalUserId the customer.
 * @returns the customer.
 */
export async function requireCustomer(externalUserId: string): Promise<SandboxCustomerAttrs> {
  const customer = await SandboxCustomer.findById(externalUserId).lean();
  if (!customer) {
    throw wecomError(ERR.INVALID_EXTERNAL_USERID, `invalid external_userid: ${externalUserId}`);
  }
  return customer;
}

/**
 * The pair must be related: member and customer exist and the member has the customer (84061 otherwise).
 *
 * @param userid the member.
 * @param externalUserId the customer.
 * @returns the follow.
 */
export async function requireFollow(userid: string, externalUserId: string): Promise<SandboxFollowAttrs & { _id: string }> {
  await requireUser(userid);
  await requireCustomer(externalUserId);
  const follow = await SandboxFollow.findOne({ external_userid: externalUserId, userid }).lean();
  if (!follow) {
    throw wecomError(ERR.NO_RELATION, `not external contact: ${userid} has no relation with ${externalUserId}`);
  }
  return follow;
}

/** Every live corp tag: id → its group's name and its own. */
export async function tagIndex(): Promise<Map<string, { group_name: string; tag_name: string; group_id: string }>> {
  const groups = await SandboxTagGroup.find({ deleted: { $ne: true } }).lean();
  const index = new Map<string, { group_name: string; tag_name: string; group_id: string }>();
  for (const group of groups) {
    for (const tag of group.tag) {
      if (!tag.deleted) {
        index.set(tag.id, { group_name: group.group_name, tag_name: tag.name, group_id: group.group_id });
      }
    }
  }
  return index;
}

/** external_contact as externalcontact/get answers it (wecom-reference §4.1). */
export function presentExternalContact(customer: SandboxCustomerAttrs): Record<string, unknown> {
  return {
    external_userid: customer.external_userid,
    name: customer.name,
    type: customer.type,
    avatar: customer.avatar,
    gender: customer.gender,
    // Only when the corp bound a WeChat developer account; the sandbox has one when it has a unionid.
    ...(customer.unionid ? { unionid: customer.unionid } : {}),
  };
}

/** The fields follow_user (get) and follow_info (batch) share. */
export function presentFollowBase(follow: SandboxFollowAttrs): Record<string, unknown> {
  return {
    userid: follow.userid,
    remark: follow.remark,
    description: follow.description,
    createtime: follow.createtime,
    remark_corp_name: follow.remark_corp_name,
    remark_mobiles: follow.remark_mobiles,
    oper_userid: follow.oper_userid,
    add_way: follow.add_way,
    ...(follow.state ? { state: follow.state } : {}),
  };
}

import { Customer, type CustomerAttrs } from "../models/Customer.ts";
import { Follow } from "../models/Follow.ts";
import type { WeComClient } from "../wecom/client.ts";

interface ExternalContact {
  external_userid: string;
  name?: string;
  avatar?: string;
  type?: number;
  gender?: number;
  unionid?: string;
  corp_name?: string;
  position?: string;
}

interface FollowUser {
  userid: string;
  remark?: string;
  description?: string;
  createtime?: number;
  state?: string;
  oper_userid?: string;
  add_way?: number;
  tags?: { tag_id?: string; type?: number }[];
}

interface GetResponse {
  external_contact: ExternalContact;
  follow_user?: FollowUser[];
  next_cursor?: string;
}

interface Props {
  wecom: WeComClient;
  externalUserId: string;
  /** When set, the follow of this employee must be in WeCom's answer (it was just added). */
  expectFollowOf?: string;
  now: Date;
}

/** WeCom has not settled the relation yet; the processor retries with backoff. */
export class FollowNotVisibleYetError extends Error {
  override name = "FollowNotVisibleYetError";
}

/**
 * Re-read a customer and every follow from externalcontact/get (paged above 500 followers)
 * and upsert them; events are only notifications (wecom-reference §1.6).
 *
 * @param props client, customer id, and the employee whose follow must exist.
 * @returns the stored customer.
 */
export default async function customerSyncer({ wecom, externalUserId, expectFollowOf, now }: Props): Promise<CustomerAttrs> {
  let contact: ExternalContact | undefined;
  const followUsers: FollowUser[] = [];
  let cursor = "";
  do {
    const page = await wecom.get<GetResponse>("/cgi-bin/externalcontact/get", {
      external_userid: externalUserId,
      cursor: cursor || undefined,
    });
    contact = page.external_contact;
    followUsers.push(...(page.follow_user ?? []));
    cursor = page.next_cursor ?? "";
  } while (cursor);

  if (expectFollowOf && !followUsers.some((follow) => follow.userid === expectFollowOf)) {
    throw new FollowNotVisibleYetError(`follow of ${expectFollowOf} not yet returned by externalcontact/get`);
  }

  const customer = await Customer.findOneAndUpdate(
    { externalUserId },
    {
      $set: {
        name: contact.name ?? "",
        avatar: contact.avatar ?? "",
        wecomType: contact.type ?? 1,
        gender: contact.gender ?? 0,
        unionid: contact.unionid || null,
        corpName: contact.corp_name ?? "",
        position: contact.position ?? "",
        syncedAt: now,
      },
    },
    { upsert: true, returnDocument: "after", setDefaultsOnInsert: true, lean: true },
  ).orFail();

  if (followUsers.length > 0) {
    await Follow.bulkWrite(
      followUsers.map((follow) => ({
        updateOne: {
          filter: { externalUserId, userId: follow.userid },
          update: {
            $set: {
              remark: follow.remark ?? "",
              description: follow.description ?? "",
              state: follow.state ?? "",
              addWay: follow.add_way ?? 0,
              operUserId: follow.oper_userid ?? "",
              // Personal tags (type 2) have no tag_id and are not corp tags.
              tagIds: (follow.tags ?? []).flatMap((tag) => (tag.tag_id ? [tag.tag_id] : [])),
              addedAt: follow.createtime ? new Date(follow.createtime * 1000) : null,
              status: "active",
            },
          },
          upsert: true,
        },
      })),
      { ordered: false },
    );
  }
  return customer;
}

import type { CustomerAttrs } from "../models/Customer.ts";
import type { FollowAttrs, FollowStatus } from "../models/Follow.ts";

export interface PresentedFollow {
  userId: string;
  remark: string;
  state: string;
  status: FollowStatus;
  tagIds: string[];
  addedAt: string | null;
  addWay: number;
}

export interface PresentedCustomer {
  externalUserId: string;
  name: string;
  avatar: string;
  gender: number;
  follows: PresentedFollow[];
}

/**
 * A customer with the follows the caller may see. unionid is never included here.
 *
 * @param customer the stored customer.
 * @param follows its follows, already scoped to what the caller may see.
 * @returns the public shape.
 */
export function presentCustomer(customer: CustomerAttrs, follows: FollowAttrs[]): PresentedCustomer {
  return {
    externalUserId: customer.externalUserId,
    name: customer.name,
    avatar: customer.avatar,
    gender: customer.gender,
    follows: follows.map((follow) => ({
      userId: follow.userId,
      remark: follow.remark,
      state: follow.state,
      status: follow.status,
      tagIds: [...follow.tagIds],
      addedAt: follow.addedAt ? follow.addedAt.toISOString() : null,
      addWay: follow.addWay,
    })),
  };
}

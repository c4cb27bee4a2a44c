import { z } from "zod";
import { SandboxCustomer, SandboxFollow, SandboxUser } from "../../models/index.ts";
import { endpoint, ERR, page, wecomError, type Endpoint } from "../endpoint.ts";
import {
  presentExternalContact,
  presentFollowBase,
  requireCustomer,
  requireFollow,
  requireUser,
  tagIndex,
} from "./shared.ts";

// externalcontact/get pages follow_user above 500 (wecom-reference §4.1).
const FOLLOWS_PER_PAGE = 500;

/** Reading customers and editing a follow's remark (wecom-reference §4.1, §4.2). */
export const customerEndpoints: Endpoint[] = [
  endpoint({
    method: "GET",
    path: "/cgi-bin/externalcontact/get",
    token: "any",
    input: z.object({ external_userid: z.string().optional(), cursor: z.string().optional() }),
    async handle({ external_userid: externalUserId, cursor }) {
      if (!externalUserId) {
        throw wecomError(ERR.INVALID_EXTERNAL_USERID, "invalid external_userid");
      }
      const customer = await requireCustomer(externalUserId);
      const follows = await SandboxFollow.find({ external_userid: externalUserId }).sort({ createtime: 1, _id: 1 }).lean();
      // Nobody in the corp has the customer (any more): WeCom answers "no relation".
      if (follows.length === 0) {
        throw wecomError(ERR.NO_RELATION, `not external contact: ${externalUserId}`);
      }
      const tags = await tagIndex();
      const { items, next_cursor } = page(follows, cursor, FOLLOWS_PER_PAGE);
      return {
        external_contact: presentExternalContact(customer),
        follow_user: items.map((follow) => ({
          ...presentFollowBase(follow),
          tags: follow.tags.flatMap((id) => {
            const tag = tags.get(id);
            return tag ? [{ group_name: tag.group_name, tag_name: tag.tag_name, tag_id: id, type: 1 }] : [];
          }),
        })),
        next_cursor,
      };
    },
  }),

  endpoint({
    method: "POST",
    path: "/cgi-bin/externalcontact/batch/get_by_user",
    token: "any",
    input: z.object({
      userid_list: z.array(z.string()).min(1).max(100),
      cursor: z.string().optional(),
      limit: z.number().int().min(1).max(100).optional(),
    }),
    async handle({ userid_list: userIds, cursor, limit }) {
      for (const userid of userIds) {
        await requireUser(userid);
      }
      const follows = await SandboxFollow.find({ userid: { $in: userIds } }).sort({ userid: 1, createtime: 1, _id: 1 }).lean();
      const pageOf = page(follows, cursor, limit ?? 50);
      const customers = await SandboxCustomer.find({ _id: { $in: [...new Set(pageOf.items.map((f) => f.external_userid))] } }).lean();
      const byId = new Map(customers.map((customer) => [customer.external_userid, customer]));
      return {
        external_contact_list: pageOf.items.flatMap((follow) => {
          const customer = byId.get(follow.external_userid);
          return customer
            ? [{ external_contact: presentExternalContact(customer), follow_info: { ...presentFollowBase(follow), tag_id: follow.tags } }]
            : [];
        }),
        next_cursor: pageOf.next_cursor,
      };
    },
  }),

  endpoint({
    method: "GET",
    path: "/cgi-bin/externalcontact/list",
    token: "any",
    input: z.object({ userid: z.string().optional() }),
    async handle({ userid }) {
      await requireUser(userid ?? "");
      const follows = await SandboxFollow.find({ userid }).sort({ createtime: 1, _id: 1 }).lean();
      return { external_userid: follows.map((follow) => follow.external_userid) };
    },
  }),

  endpoint({
    method: "GET",
    path: "/cgi-bin/externalcontact/get_follow_user_list",
    token: "any",
    input: z.object({}),
    async handle() {
      // Every active member of the sandbox corp has customer contact enabled.
      const users = await SandboxUser.find({}).sort({ _id: 1 }).lean();
      return { follow_user: users.filter((user) => user.status === 1).map((user) => user.userid) };
    },
  }),

  endpoint({
    method: "POST",
    path: "/cgi-bin/externalcontact/remark",
    token: "any",
    input: z.object({
      userid: z.string(),
      external_userid: z.string(),
      remark: z.string().max(20).optional(),
      description: z.string().max(150).optional(),
      remark_company: z.string().max(20).optional(),
      remark_mobiles: z.array(z.string()).max(5).optional(),
      remark_pic_mediaid: z.string().optional(),
    }),
    async handle(input) {
      const follow = await requireFollow(input.userid, input.external_userid);
      // Omitted = unchanged (§4.2). A remark change by API fires no callback (§1.1).
      const set: Record<string, unknown> = {};
      if (input.remark !== undefined) {
        set.remark = input.remark;
      }
      if (input.description !== undefined) {
        set.description = input.description;
      }
      if (input.remark_company !== undefined) {
        set.remark_corp_name = input.remark_company;
      }
      if (input.remark_mobiles !== undefined) {
        set.remark_mobiles = input.remark_mobiles;
      }
      if (Object.keys(set).length > 0) {
        await SandboxFollow.updateOne({ _id: follow._id }, { $set: set });
      }
      return {};
    },
  }),
];


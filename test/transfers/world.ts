// The directory and WeCom answers the transfer tests share: 静安店 (101) and 徐汇店 (102) in 华东区;
// 林离职 (gone1) left 静安店; 王小美, 李娜 can take over there, 周杰 is disabled and 吴新 has no
// customer contact; 陈晨 works in 徐汇店.
import { Customer } from "../../server/models/Customer.ts";
import { Department } from "../../server/models/Department.ts";
import { Employee } from "../../server/models/Employee.ts";
import { Follow } from "../../server/models/Follow.ts";
import { Group } from "../../server/models/Group.ts";
import { wecomApi } from "../support/wecomNock.ts";

export const JINGAN = "101";
export const XUHUI = "102";

/** Who has customer contact (get_follow_user_list). */
export const WITH_CONTACT = ["ga1", "ga2", "ga3", "gb1", "gb2"];

/** The brand, a region, two stores and their guides. */
export async function seedDirectory(): Promise<void> {
  await Department.create([
    { departmentId: 1, name: "品牌", parentId: 0 },
    { departmentId: 10, name: "华东区", parentId: 1 },
    { departmentId: 101, name: "静安店", parentId: 10 },
    { departmentId: 102, name: "徐汇店", parentId: 10 },
  ]);
  const guide = (userId: string, name: string, store: number, wecomStatus = 1) => ({ userId, name, mainDepartmentId: store, departmentIds: [store], wecomStatus });
  await Employee.create([
    guide("gone1", "林离职", 101, 5),
    guide("ga1", "王小美", 101),
    guide("ga2", "李娜", 101),
    guide("ga3", "周杰", 101, 2),
    guide("ga4", "吴新", 101),
    guide("gb1", "陈晨", 102),
    guide("gone2", "张走了", 102, 5),
    guide("gb2", "赵敏", 102),
  ]);
}

/**
 * Customers followed by a guide, named 客户<n>.
 *
 * @param guide the guide.
 * @param ids the customers' external userids.
 */
export async function customersOf(guide: string, ids: string[]): Promise<void> {
  await Customer.create(ids.map((id) => ({ externalUserId: id, name: `客户${id}` })));
  await Follow.create(ids.map((id) => ({ externalUserId: id, userId: guide, status: "active" as const, addedAt: new Date("2026-01-01T00:00:00Z") })));
}

/** WeCom's get_follow_user_list, any number of times. */
export function nockContactUsers(userIds: string[] = WITH_CONTACT): void {
  wecomApi().get("/cgi-bin/externalcontact/get_follow_user_list").query(true).reply(200, { errcode: 0, errmsg: "ok", follow_user: userIds }).persist();
}

/** What groupchat/list was asked: status_filter, owner_filter, cursor. */
export type GroupListCall = { status_filter?: number; owner_filter?: { userid_list?: string[] }; cursor?: string; limit?: number };

/**
 * WeCom's get_unassigned_list answered from a list, cut into pages of `pageSize` by next_cursor,
 * and groupchat/list's 离职待继承 groups (the same page size) from `pendingGroups`, or, without
 * it, the groups we keep whose owner has left (wecomStatus 5), as WeCom would hold them.
 *
 * @param rows departed guides' customers.
 * @param pageSize rows per page.
 * @param pendingGroups the chat ids WeCom lists with status 1.
 * @returns get_unassigned_list's cursors asked for, and groupchat/list's calls.
 */
export function nockUnassigned(rows: { handover_userid: string; external_userid: string; dimission_time: number }[], pageSize: number, pendingGroups?: string[]): { cursors: string[]; groupCalls: GroupListCall[] } {
  const cursors: string[] = [];
  const next = (offset: number, total: number) => (offset + pageSize < total ? `p${offset + pageSize}` : "");
  const offsetOf = (cursor: string | undefined) => (cursor ? Number(cursor.slice(1)) : 0);
  wecomApi()
    .post("/cgi-bin/externalcontact/get_unassigned_list")
    .query(true)
    .reply(200, (_uri, body) => {
      const cursor = String((body as { cursor?: string }).cursor ?? "");
      cursors.push(cursor);
      const offset = offsetOf(cursor);
      return { errcode: 0, errmsg: "ok", info: rows.slice(offset, offset + pageSize), is_last: next(offset, rows.length) === "", next_cursor: next(offset, rows.length) };
    })
    .persist();
  const groupCalls: GroupListCall[] = [];
  wecomApi()
    .post("/cgi-bin/externalcontact/groupchat/list")
    .query(true)
    .reply(200, async (_uri, body) => {
      const call = body as GroupListCall;
      groupCalls.push(call);
      const chatIds = pendingGroups ?? (await departedOwnersGroups());
      const offset = offsetOf(call.cursor);
      return { errcode: 0, errmsg: "ok", group_chat_list: chatIds.slice(offset, offset + pageSize).map((chatId) => ({ chat_id: chatId, status: 1 })), next_cursor: next(offset, chatIds.length) };
    })
    .persist();
  return { cursors, groupCalls };
}

async function departedOwnersGroups(): Promise<string[]> {
  const gone = (await Employee.find({ wecomStatus: 5 }, { userId: 1 }).lean()).map((employee) => employee.userId);
  return (await Group.find({ ownerId: { $in: gone }, status: "active" }, { chatId: 1 }).sort({ chatId: 1 }).lean()).map((group) => group.chatId);
}

type TransferBody = { handover_userid: string; takeover_userid: string; external_userid: string[]; transfer_success_msg?: string };

/**
 * WeCom's transfer_customer (resigned or on-job), recording every call.
 *
 * @param path the API path.
 * @param errcodeOf each customer's errcode (0 accepted).
 * @returns the calls' bodies.
 */
export function nockTransferCalls(path: string, errcodeOf: (externalUserId: string) => number = () => 0): TransferBody[] {
  const calls: TransferBody[] = [];
  wecomApi()
    .post(path)
    .query(true)
    .reply(200, (_uri, body) => {
      const call = body as TransferBody;
      calls.push(call);
      return { errcode: 0, errmsg: "ok", customer: call.external_userid.map((id) => ({ external_userid: id, errcode: errcodeOf(id) })) };
    })
    .persist();
  return calls;
}

/**
 * WeCom's transfer_result for any pair, each customer's status from a function; two pages.
 *
 * @param path the API path.
 * @param statusOf each customer's status (1 done, 2 waiting, 3 refused, 4 full), or undefined to leave it out.
 * @param customers the customers WeCom knows of.
 * @returns the cursors asked for.
 */
export function nockTransferResults(path: string, customers: string[], statusOf: (externalUserId: string) => number | undefined): string[] {
  const cursors: string[] = [];
  wecomApi()
    .post(path)
    .query(true)
    .reply(200, (_uri, body) => {
      const cursor = String((body as { cursor?: string }).cursor ?? "");
      cursors.push(cursor);
      const half = Math.ceil(customers.length / 2);
      const slice = cursor === "" ? customers.slice(0, half) : customers.slice(half);
      const listed = slice.flatMap((id) => {
        const status = statusOf(id);
        return status === undefined ? [] : [{ external_userid: id, status, takeover_time: status === 1 ? Math.floor(Date.now() / 1000) : 0 }];
      });
      return { errcode: 0, errmsg: "ok", customer: listed, next_cursor: cursor === "" && customers.length > half ? "second" : "" };
    })
    .persist();
  return cursors;
}

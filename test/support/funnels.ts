import type nock from "nock";
import { aGroup } from "./factories.ts";
import { ACCESS_TOKEN, wecomApi } from "./wecomNock.ts";

const BASE = "/cgi-bin/externalcontact/groupchat";

/** What nock saw of the join-way calls. */
export interface JoinWayCalls {
  add: Record<string, unknown>[];
  update: Record<string, unknown>[];
  del: Record<string, unknown>[];
}

/**
 * Answer add/get/update/del_join_way (any number of times) and record the bodies.
 *
 * @param configId the config id add_join_way answers.
 * @param qrCode the QR get_join_way answers.
 * @returns the recorded bodies.
 */
export function nockJoinWays(configId = "cfg-funnel-1", qrCode = "https://wework.qpic.cn/wwpic/qr-funnel-1/0"): JoinWayCalls {
  const calls: JoinWayCalls = { add: [], update: [], del: [] };
  const record = (list: Record<string, unknown>[]) => (_uri: string, body: nock.Body) => {
    list.push(body as Record<string, unknown>);
    return { errcode: 0, errmsg: "ok", config_id: configId };
  };
  wecomApi().post(`${BASE}/add_join_way`).query({ access_token: ACCESS_TOKEN }).reply(200, record(calls.add)).persist();
  wecomApi().post(`${BASE}/update_join_way`).query({ access_token: ACCESS_TOKEN }).reply(200, record(calls.update)).persist();
  wecomApi().post(`${BASE}/del_join_way`).query({ access_token: ACCESS_TOKEN }).reply(200, record(calls.del)).persist();
  wecomApi()
    .post(`${BASE}/get_join_way`, { config_id: configId })
    .query({ access_token: ACCESS_TOKEN })
    .reply(200, { errcode: 0, errmsg: "ok", join_way: { config_id: configId, scene: 2, qr_code: qrCode } })
    .persist();
  return calls;
}

/**
 * A group with a number of customers in it.
 *
 * @param chatId the group.
 * @param count how many customers.
 * @param name its name.
 */
export async function aGroupOf(chatId: string, count: number, name = chatId): Promise<void> {
  await aGroup(chatId, "guideA", Array.from({ length: count }, (_, index) => `wm${chatId}${String(index).padStart(6, "0")}`), name);
}

/** A 1×1 PNG. */
export const TINY_PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");

/**
 * A valid funnel body.
 *
 * @param overrides fields to change.
 * @returns the body.
 */
export function funnelBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    slug: "spring",
    name: "春季会员福利群",
    landingText: "进群领 20 元无门槛券",
    threshold: 180,
    lowPoolWarning: 1,
    autoCreateRoom: true,
    roomBaseName: "福利群",
    roomBaseId: 10,
    groups: [
      { kind: "wecom", chatId: "wrChatA" },
      { kind: "wecom", chatId: "wrChatB" },
    ],
    ...overrides,
  };
}

import nock from "nock";
import { AGENT_SECRET, CONTACT_SECRET, SAMPLE, WECOM_BASE } from "./wecomSecrets.ts";

export const ACCESS_TOKEN = "ACCESS_TOKEN_CONTACT";

/**
 * Answer gettoken for the contact secret (any number of times).
 *
 * @returns the nock scope.
 */
export function nockToken(): nock.Scope {
  return nock(WECOM_BASE)
    .get("/cgi-bin/gettoken")
    .query({ corpid: SAMPLE.receiveId, corpsecret: CONTACT_SECRET })
    .reply(200, { errcode: 0, errmsg: "ok", access_token: ACCESS_TOKEN, expires_in: 7200 })
    .persist();
}

export const AGENT_ACCESS_TOKEN = "ACCESS_TOKEN_AGENT";

/**
 * Answer gettoken for the app (agent) secret: OAuth, JS-SDK tickets, directory (any number of times).
 *
 * @returns the nock scope.
 */
export function nockAgentToken(): nock.Scope {
  return nock(WECOM_BASE)
    .get("/cgi-bin/gettoken")
    .query({ corpid: SAMPLE.receiveId, corpsecret: AGENT_SECRET })
    .reply(200, { errcode: 0, errmsg: "ok", access_token: AGENT_ACCESS_TOKEN, expires_in: 7200 })
    .persist();
}

/**
 * A WeCom host scope for API calls.
 *
 * @returns the nock scope.
 */
export function wecomApi(): nock.Scope {
  return nock(WECOM_BASE);
}

/**
 * The body of externalcontact/get for one customer and its follows.
 *
 * @param externalUserId the customer.
 * @param follows follow_user entries.
 * @returns the WeCom response.
 */
export function externalContactResponse(
  externalUserId: string,
  follows: { userid: string; remark?: string; state?: string; add_way?: number; createtime?: number; tags?: { tag_id?: string; type: number; tag_name?: string; group_name?: string }[] }[],
  name = "张三",
) {
  return {
    errcode: 0,
    errmsg: "ok",
    external_contact: {
      external_userid: externalUserId,
      name,
      avatar: "https://wework.qpic.cn/avatar.png",
      type: 1,
      gender: 2,
      unionid: "ozynqsulJFCZ2z1aYeS8h-nuasdAAA",
    },
    follow_user: follows.map((follow) => ({
      remark: "",
      description: "",
      createtime: 1_700_000_000,
      tags: [],
      add_way: 1,
      oper_userid: follow.userid,
      ...follow,
    })),
    next_cursor: "",
  };
}

/** A textcard app message as WeCom's message/send receives it. */
export type SentAppMessage = { touser: string; msgtype: string; agentid: number; textcard: { title: string; description: string; url: string; btntxt: string } };

/**
 * WeCom's message/send (with the agent's token), recording every body.
 *
 * @param answer WeCom's answer to a body (default: accepted, nobody invalid).
 * @returns the bodies sent, in order.
 */
export function nockAppMessages(answer: (body: SentAppMessage) => Record<string, unknown> = () => ({ errcode: 0, errmsg: "ok", invaliduser: "", msgid: "m1" })): SentAppMessage[] {
  const sent: SentAppMessage[] = [];
  nockAgentToken();
  nock(WECOM_BASE)
    .post("/cgi-bin/message/send", (body: SentAppMessage) => {
      sent.push(body);
      return true;
    })
    .query({ access_token: AGENT_ACCESS_TOKEN })
    .reply(200, (_uri, body) => answer(body as SentAppMessage))
    .persist();
  return sent;
}

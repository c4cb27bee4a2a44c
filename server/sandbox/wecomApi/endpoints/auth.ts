import { z } from "zod";
import { SANDBOX_AGENT_SECRET, SANDBOX_CONTACT_SECRET, SANDBOX_CORP_ID } from "../../config.ts";
import { SandboxOAuthCode } from "../../models/index.ts";
import { endpoint, ERR, wecomError, type Endpoint } from "../endpoint.ts";
import { issue, TOKEN_TTL_SECONDS } from "../tokens.ts";

/** gettoken, auth/getuserinfo and the JS-SDK tickets (wecom-reference §3.1, §5.2, §6.2). */
export const authEndpoints: Endpoint[] = [
  endpoint({
    method: "GET",
    path: "/cgi-bin/gettoken",
    token: "none",
    input: z.object({ corpid: z.string().optional(), corpsecret: z.string().optional() }),
    async handle({ corpid, corpsecret }, { now }) {
      if (corpid !== SANDBOX_CORP_ID) {
        throw wecomError(ERR.BAD_CORPID, "invalid corpid");
      }
      // Each secret has its own token (§3.1): the 客户联系 secret's and the self-built app's.
      const kind = corpsecret === SANDBOX_CONTACT_SECRET ? "contact" : corpsecret === SANDBOX_AGENT_SECRET ? "agent" : null;
      if (!kind) {
        throw wecomError(ERR.BAD_SECRET, "invalid credential");
      }
      return { access_token: issue("token", kind, now), expires_in: TOKEN_TTL_SECONDS };
    },
  }),

  endpoint({
    method: "GET",
    path: "/cgi-bin/auth/getuserinfo",
    // Only an app can consume OAuth codes (§3.2); the app is the one whose agentid the login used.
    token: "agent",
    input: z.object({ code: z.string().optional() }),
    async handle({ code }, { now }) {
      if (!code) {
        throw wecomError(ERR.INVALID_CODE, "invalid code");
      }
      // One use, five minutes (§5.2): claim it atomically so two exchanges cannot both win.
      const claimed = await SandboxOAuthCode.findOneAndUpdate(
        { _id: code, used: false, expires_at: { $gt: now } },
        { $set: { used: true } },
        { returnDocument: "after" },
      ).lean();
      if (!claimed) {
        throw wecomError(ERR.INVALID_CODE, "invalid code");
      }
      return { userid: claimed.userid };
    },
  }),

  endpoint({
    method: "GET",
    path: "/cgi-bin/get_jsapi_ticket",
    token: "any",
    input: z.object({}),
    async handle(_input, { now, tokenKind }) {
      return { ticket: issue("jsapi", tokenKind ?? "agent", now), expires_in: TOKEN_TTL_SECONDS };
    },
  }),

  endpoint({
    method: "GET",
    path: "/cgi-bin/ticket/get",
    // The app ticket belongs to an app (§6.2): the 客户联系 secret has no agentid.
    token: "agent",
    input: z.object({ type: z.string().optional() }),
    async handle({ type }, { now }) {
      if (type !== "agent_config") {
        throw wecomError(ERR.INVALID_PARAMETER, "invalid parameter type: must be agent_config");
      }
      return { ticket: issue("agent_config", "agent", now), expires_in: TOKEN_TTL_SECONDS };
    },
  }),
];

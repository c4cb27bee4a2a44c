import { z } from "zod";
import { SANDBOX_AGENT_ID } from "../../config.ts";
import { SandboxUser, sandboxId } from "../../models/index.ts";
import { endpoint, ERR, wecomError, type Endpoint } from "../endpoint.ts";

// 81013: every recipient invalid (wecom-reference §10.1); some invalid still sends to the rest.
const ALL_RECIPIENTS_INVALID = 81013;

/**
 * App messages to employees (wecom-reference §10.1): the product's loss alerts and pool warnings.
 * The sandbox has no WeCom client to show them in; it answers as WeCom does (invalid users
 * listed, all invalid refused) so the product's handling is the real one.
 */
export const appMessageEndpoints: Endpoint[] = [
  endpoint({
    method: "POST",
    path: "/cgi-bin/message/send",
    // Sent with the app's own token, naming its agentid.
    token: "agent",
    input: z
      .object({
        touser: z.string().max(64 * 1000).optional(),
        toparty: z.string().optional(),
        totag: z.string().optional(),
        msgtype: z.enum(["text", "image", "voice", "video", "file", "textcard", "news", "mpnews", "markdown", "miniprogram_notice", "template_card"]),
        agentid: z.coerce.number().int(),
        text: z.object({ content: z.string().max(2048) }).optional(),
        markdown: z.object({ content: z.string().max(2048) }).optional(),
      })
      .passthrough(),
    async handle(body) {
      if (body.agentid !== Number(SANDBOX_AGENT_ID)) {
        throw wecomError(ERR.API_UNAUTHORIZED, "agentid does not match the token's app");
      }
      const asked = (body.touser ?? "").split("|").filter((userid) => userid !== "");
      const known = new Set((await SandboxUser.find({ userid: { $in: asked }, status: 1 }, { userid: 1 }).lean()).map((user) => user.userid));
      const invalid = asked.filter((userid) => !known.has(userid));
      if (asked.length > 0 && invalid.length === asked.length && !body.toparty && !body.totag) {
        throw wecomError(ALL_RECIPIENTS_INVALID, "all recipients are invalid");
      }
      return { invaliduser: invalid.map((userid) => userid.toLowerCase()).join("|"), invalidparty: "", invalidtag: "", msgid: sandboxId("msg", 32) };
    },
  }),
];

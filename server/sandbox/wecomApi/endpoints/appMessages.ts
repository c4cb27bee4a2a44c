import { z } from "zod";
import { SANDBOX_AGENT_ID } from "../../config.ts";
import { SandboxAppMessage, SandboxUser, sandboxId } from "../../models/index.ts";
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
        textcard: z.object({ title: z.string().max(128), description: z.string().max(512), url: z.string().max(2048), btntxt: z.string().max(4).optional() }).optional(),
        news: z.object({ articles: z.array(z.object({ title: z.string(), description: z.string().optional(), url: z.string().optional() }).passthrough()).max(8) }).optional(),
      })
      .passthrough(),
    async handle(body, request) {
      if (body.agentid !== Number(SANDBOX_AGENT_ID)) {
        throw wecomError(ERR.API_UNAUTHORIZED, "agentid does not match the token's app");
      }
      const asked = (body.touser ?? "").split("|").filter((userid) => userid !== "");
      const known = new Set((await SandboxUser.find({ userid: { $in: asked }, status: 1 }, { userid: 1 }).lean()).map((user) => user.userid));
      const invalid = asked.filter((userid) => !known.has(userid));
      if (asked.length > 0 && invalid.length === asked.length && !body.toparty && !body.totag) {
        throw wecomError(ALL_RECIPIENTS_INVALID, "all recipients are invalid");
      }
      const msgid = sandboxId("msg", 32);
      // Kept for the sandbox page's guide view (what 催办 and alerts look like to the guide).
      const card = (body.textcard ?? body.news?.articles?.[0] ?? {}) as { title?: string; description?: string; url?: string };
      await SandboxAppMessage.create({
        msgid,
        touser: asked.filter((userid) => known.has(userid)),
        msgtype: body.msgtype,
        title: card.title ?? "",
        description: card.description ?? body.text?.content ?? body.markdown?.content ?? "",
        url: card.url ?? "",
        at: request.now,
      });
      return { invaliduser: invalid.map((userid) => userid.toLowerCase()).join("|"), invalidparty: "", invalidtag: "", msgid };
    },
  }),
];

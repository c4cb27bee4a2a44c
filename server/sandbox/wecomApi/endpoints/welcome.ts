import { z } from "zod";
import { SandboxFollow, SandboxMessage } from "../../models/index.ts";
import { endpoint, ERR, wecomError, type Endpoint } from "../endpoint.ts";
import { AttachmentSchema, checkMedia, textSchema } from "./attachments.ts";

/** send_welcome_msg (wecom-reference §4.5): the welcome lands in the fake chat window's transcript. */
export const welcomeEndpoints: Endpoint[] = [
  endpoint({
    method: "POST",
    path: "/cgi-bin/externalcontact/send_welcome_msg",
    token: "any",
    input: z.object({
      welcome_code: z.string().optional(),
      text: textSchema(4000).optional(),
      attachments: z.array(AttachmentSchema).max(9).optional(),
    }),
    async handle({ welcome_code: code, text, attachments = [] }, { now }) {
      if (!code) {
        throw wecomError(ERR.MISSING_WELCOME_CODE, "missing welcome_code");
      }
      if (!text?.content && attachments.length === 0) {
        throw wecomError(ERR.INVALID_PARAMETER, "invalid parameter: text and attachments are both empty");
      }
      await checkMedia(attachments, now);
      // Only codes the sandbox issued with an add_external_contact event exist.
      const follow = await SandboxFollow.findOne({ welcome_code: code }).lean();
      if (!follow) {
        throw wecomError(ERR.INVALID_WELCOME_CODE, "invalid welcome_code");
      }
      // Once per code: a second send is "already delivered" — stop (41051).
      if (follow.welcome_code_used) {
        throw wecomError(ERR.WELCOME_ALREADY_SENT, "welcome message already sent to this customer");
      }
      // Within 20 s of the event (§4.5).
      if (follow.welcome_code_expires_at && follow.welcome_code_expires_at.getTime() <= now.getTime()) {
        throw wecomError(ERR.INVALID_WELCOME_CODE, "invalid welcome_code: expired");
      }
      const claimed = await SandboxFollow.updateOne({ _id: follow._id, welcome_code_used: false }, { $set: { welcome_code_used: true } });
      if (claimed.modifiedCount === 0) {
        throw wecomError(ERR.WELCOME_ALREADY_SENT, "welcome message already sent to this customer");
      }
      await SandboxMessage.create({
        from: follow.userid,
        to: follow.external_userid,
        external_userid: follow.external_userid,
        userid: follow.userid,
        text: text?.content ?? "",
        attachments,
        at: now,
        kind: "welcome",
      });
      return {};
    },
  }),
];

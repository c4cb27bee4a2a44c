// 离职 on the sandbox page: what an admin does in WeCom's admin console when a guide leaves. The
// member is gone from the directory (a delete_user callback), their customers wait for a takeover
// guide in get_unassigned_list, and their groups are marked as left by their owner.
import type Router from "@koa/router";
import { z } from "zod";
import { AppError, ConflictError } from "../../errors.ts";
import { inputOf, validate } from "../../middlewares/validate.ts";
import { SandboxFollow, SandboxGroup, SandboxUser, unix } from "../models/index.ts";
import { SandboxResignation } from "../models/SandboxResignation.ts";
import { callbacksAt, type SandboxContext } from "./context.ts";

const ResignSchema = z.object({ params: z.object({ userid: z.string().trim().min(1, "请选择导购").max(64, "导购 ID 过长") }) });

/**
 * @param context callback URL and clock.
 * @param userid the guide who leaves.
 * @returns how many customers and groups they leave behind.
 * @throws 404 for an unknown member; 409 when they already left.
 */
export async function resignGuide(context: SandboxContext, userid: string): Promise<{ customers: number; groups: number }> {
  const now = context.now();
  const user = await SandboxUser.findById(userid, { status: 1 }).lean();
  if (!user) {
    throw new AppError(404, "not_found", "userid: 没有这名导购");
  }
  const left = await SandboxUser.updateOne({ _id: userid, status: { $ne: 5 } }, { $set: { status: 5 } });
  if (left.modifiedCount === 0) {
    throw ConflictError("该导购已离职");
  }
  await SandboxResignation.updateOne({ _id: userid }, { $setOnInsert: { dimission_time: unix(now) } }, { upsert: true });
  // groupchat/list status 1: the owner left, the group waits for 离职继承.
  const groups = await SandboxGroup.updateMany({ owner: userid, dismissed: { $ne: true } }, { $set: { status: 1 } });
  await callbacksAt(context, now).send({ Event: "change_contact", ChangeType: "delete_user", UserID: userid });
  return { customers: await SandboxFollow.countDocuments({ userid }), groups: groups.modifiedCount };
}

/**
 * @param api the sandbox API router.
 * @param context the sandbox context of each request.
 */
export function sandboxResignRoutes(api: Router, context: () => SandboxContext): void {
  api.post("/guides/:userid/resign", validate(ResignSchema), async (ctx) => {
    ctx.body = { data: await resignGuide(context(), inputOf(ctx, ResignSchema).params.userid) };
  });
}

import mongoose from "mongoose";
import { ConflictError, NotFoundError } from "../errors.ts";
import { DrawWin, type FulfilmentStatus, type StoredWin } from "../models/DrawWin.ts";
import { audit } from "./drawAuditor.ts";

type Change = { status: "shipped"; trackingNo: string; carrier: string } | { status: "signed" };

// Physical prizes move forward only: 待发货 → 已发货 → 已签收 (a tracking number can be corrected
// while shipped). Each step is a conditional update on the status it leaves.
const FROM: Record<Change["status"], FulfilmentStatus[]> = { shipped: ["to_ship", "shipped"], signed: ["shipped"] };

/**
 * Ship a physical prize (with its tracking number) or mark it signed for.
 *
 * @param props the draw, the win, the change, who and when.
 * @returns the win afterwards.
 */
export async function changeFulfilment(props: { drawId: string; winId: string; change: Change; actorId: string | null; now: Date }): Promise<StoredWin> {
  const { change, now } = props;
  const set: Record<string, unknown> = change.status === "shipped" ? { status: "shipped", trackingNo: change.trackingNo, carrier: change.carrier || null, statusAt: now } : { status: "signed", statusAt: now };
  const filter = { _id: props.winId, drawId: new mongoose.Types.ObjectId(props.drawId), kind: "physical" as const, status: { $in: FROM[change.status] } };
  const updated = (await DrawWin.findOneAndUpdate(
    filter,
    { $set: set },
    { returnDocument: "after", lean: true },
  )) as StoredWin | null;
  if (!updated) {
    const win = await DrawWin.findOne({ _id: props.winId, drawId: new mongoose.Types.ObjectId(props.drawId) }, { kind: 1, status: 1 }).lean();
    if (!win) {
      throw NotFoundError("win");
    }
    if (win.kind !== "physical") {
      throw ConflictError("status: 只有实物奖品需要发货");
    }
    throw ConflictError(win.status === "awaiting_address" ? "status: 中奖者尚未填写收货地址" : change.status === "signed" ? "status: 请先发货，再标记签收" : "status: 奖品已签收");
  }
  await audit({ drawId: updated.drawId, kind: "fulfilment", actor: props.actorId ?? "system", winId: updated._id, detail: { status: change.status, trackingNo: change.status === "shipped" ? change.trackingNo : undefined }, at: now });
  return updated;
}

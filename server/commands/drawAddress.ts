import type { DrawParticipant } from "../domain/drawParticipant.ts";
import { AppError, ValidationError } from "../errors.ts";
import { DrawWin, type StoredWin } from "../models/DrawWin.ts";
import type { PublicWin } from "../domain/drawShapes.ts";
import { presentPublicWin } from "./drawViews.ts";
import { normalizePhone, protectPhone } from "../security/personalData.ts";
import { audit } from "./drawAuditor.ts";

/** A shipping address as the winner types it. */
export interface WinAddress {
  name: string;
  phone: string;
  region: string;
  detail: string;
}

/**
 * The winner of a physical prize gives (or corrects, until it ships) the address. The phone is
 * kept like every phone: encrypted, with a masked copy for display. Only the winner may write it.
 *
 * @param props the win, who asks, the address and the clock.
 * @returns the win as the page shows it.
 */
export async function submitWinAddress(props: { winId: string; participant: DrawParticipant; address: WinAddress; now?: Date }): Promise<PublicWin> {
  const now = props.now ?? new Date();
  const phone = normalizePhone(props.address.phone);
  if (!phone) {
    throw ValidationError("phone: 请填写正确的手机号", ["phone: 请填写正确的手机号"]);
  }
  const protectedPhone = protectPhone(phone);
  const address = { name: props.address.name.trim(), phoneEncrypted: protectedPhone.encrypted, phoneMasked: protectedPhone.masked, region: props.address.region.trim(), detail: props.address.detail.trim(), at: now };
  const updated = (await DrawWin.findOneAndUpdate(
    { _id: props.winId, participantKey: props.participant.key, kind: "physical", status: { $in: ["awaiting_address", "to_ship"] } },
    { $set: { address, status: "to_ship", statusAt: now } },
    { returnDocument: "after", lean: true },
  )) as StoredWin | null;
  if (!updated) {
    const win = await DrawWin.findById(props.winId, { participantKey: 1, kind: 1 }).lean();
    if (!win || win.participantKey !== props.participant.key || win.kind !== "physical") {
      throw new AppError(404, "not_found", "winId: 没有找到这个奖品");
    }
    throw new AppError(409, "conflict", "address: 奖品已发货，地址不能再修改");
  }
  await audit({ drawId: updated.drawId, kind: "fulfilment", actor: "participant", participantKey: props.participant.key, winId: updated._id, detail: { status: "to_ship", address: "submitted" }, at: now });
  return presentPublicWin(updated);
}

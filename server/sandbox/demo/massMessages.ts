// The demo's 群发: one to a saved segment sent yesterday (dispatched through the product's own
// planner and dispatcher against the WeCom stand-in, then moved back a day on the stand-in's side
// so the sandbox guides' habits show who sent and who did not), one to every customer group sent
// now, and one scheduled for next week. Names are unique: a second run creates only what is missing.
import massMessageDispatcher from "../../commands/massMessageDispatcher.ts";
import massMessagePlanner from "../../commands/massMessagePlanner.ts";
import massMessageSync from "../../commands/massMessageSync.ts";
import { MassMessage } from "../../models/MassMessage.ts";
import { MassMessageTask, massTaskId } from "../../models/MassMessageTask.ts";
import type { PresentedMassMessage } from "../../presenters/massMessage.ts";
import { WeComClient } from "../../wecom/client.ts";
import { SANDBOX_AGENT_SECRET, SANDBOX_CONTACT_SECRET, SANDBOX_CORP_ID } from "../config.ts";
import type { ConsoleSession } from "../consoleSession.ts";
import { SandboxMassMessage } from "../models/index.ts";

/** What the demo's mass messages did. */
export interface MassCounts {
  created: number;
  sent: number;
  scheduled: number;
}

const DAY = 86_400_000;

/** Plan and dispatch now (the job would, a moment later), then move the stand-in's tasks back by `ageMs`. */
async function dispatchNow(wecom: WeComClient, id: string, now: Date, ageMs: number): Promise<boolean> {
  await massMessagePlanner({ massMessageId: id, now });
  const result = await massMessageDispatcher({ wecom, massMessageId: id, now: () => now });
  if (result.status !== "sent") {
    return false;
  }
  const shift = Math.floor(ageMs / 1000);
  const campaign = await MassMessage.findById(id).lean();
  for (const guide of campaign?.plan ?? []) {
    for (let chunk = 0; chunk < (guide.chunks ?? 0); chunk++) {
      const task = await MassMessageTask.findById(massTaskId(id, guide.userId ?? "", chunk)).lean();
      const stand = task?.msgid ? await SandboxMassMessage.findById(task.msgid).lean() : null;
      if (stand && shift > 0) {
        await SandboxMassMessage.updateOne({ _id: stand._id }, { $set: { create_time: stand.create_time - shift, send_time: stand.send_time > 0 ? stand.send_time - shift : 0 } });
      }
    }
  }
  await MassMessage.updateOne({ _id: id }, { $set: { dispatchedAt: new Date(now.getTime() - ageMs), plannedAt: new Date(now.getTime() - ageMs) } });
  await massMessageSync({ wecom, massMessageId: id, now });
  return true;
}

/**
 * @param operator the operator's console session.
 * @param wecomApiBase the WeCom stand-in's origin (without it, the mass messages stay drafts).
 * @param now the clock.
 * @returns what was created, sent and scheduled.
 */
export async function runDemoMassMessages(operator: ConsoleSession, wecomApiBase: string | undefined, now: Date): Promise<MassCounts> {
  const counts: MassCounts = { created: 0, sent: 0, scheduled: 0 };
  const segments = (await operator.call<{ id: string; name: string }[]>("GET", "/segments")).data ?? [];
  const silver = segments.find((segment) => segment.name === "银卡及以上会员");
  const wecom = wecomApiBase ? new WeComClient({ baseUrl: wecomApiBase, corpId: SANDBOX_CORP_ID, secrets: { contact: SANDBOX_CONTACT_SECRET, agent: SANDBOX_AGENT_SECRET } }) : null;
  const plans = [
    ...(silver ? [{ name: "银卡会员 · 冬季护理券", text: "亲爱的会员，冬季护理券已放入你的账户：到店护理立减 50 元，12 月 31 日前有效。", audience: { kind: "segment", segmentId: silver.id }, ageMs: DAY, sendAt: null as string | null }] : []),
    { name: "客户群 · 双十二预告", text: "各位群友，双十二会员日本周六开始，群内专享满 300 减 50，记得设好提醒～", audience: { kind: "groups", ownerIds: [] }, ageMs: 0, sendAt: null },
    { name: "元旦问候（定时）", text: "新年快乐！感谢这一年的陪伴，元旦假期门店正常营业，欢迎来坐坐。", audience: { kind: "segment", segmentId: silver?.id ?? null }, ageMs: 0, sendAt: new Date(now.getTime() + 7 * DAY).toISOString() },
  ].filter((plan) => plan.audience.kind !== "segment" || plan.audience.segmentId);
  for (const plan of plans) {
    if (await MassMessage.exists({ name: plan.name })) {
      continue;
    }
    const created = await operator.call<PresentedMassMessage>("POST", "/mass-messages", { name: plan.name, text: plan.text, audience: plan.audience, guideRule: "last_contact", sendAt: plan.sendAt });
    if (created.status !== 201 || !created.data) {
      continue;
    }
    counts.created += 1;
    const sent = await operator.call<PresentedMassMessage>("POST", `/mass-messages/${created.data.id}/send`, {});
    if (sent.status !== 200) {
      continue;
    }
    if (plan.sendAt) {
      counts.scheduled += 1;
    } else if (wecom && (await dispatchNow(wecom, created.data.id, now, plan.ageMs))) {
      counts.sent += 1;
    }
  }
  return counts;
}

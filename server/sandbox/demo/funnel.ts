// The demo's 群活码: the live stream's fan groups are opened on WeCom's side (the guide creates
// them in the client; WeCom tells the product), the operator puts them in a funnel in the console
// with a low capacity threshold, and customers open its landing page and 长按识别 the group QR —
// the same scan-group-qr action as the sandbox phone — one after another. The first group fills
// to the threshold, the product moves the join way to the next one, and later customers land
// there: the pool drawer shows one full group, one filling and one waiting.
import crypto from "node:crypto";
import { isDuplicateKeyError } from "../../db/duplicates.ts";
import { Group } from "../../models/Group.ts";
import { waitFor } from "../../utils/async.ts";
import { callbacksAt, type SandboxContext } from "../actions/context.ts";
import { scanGroupQr } from "../actions/scanGroupQr.ts";
import type { ConsoleSession } from "../consoleSession.ts";
import { PEOPLE } from "../demoData.ts";
import { newMemberVersion, SandboxCustomer, SandboxGroup, SandboxJoinWay, unix } from "../models/index.ts";
import { qrText } from "../wecomApi/qr.ts";
import { waitForProduct } from "./product.ts";

export const DEMO_FUNNEL = { slug: "douyin-fans", name: "抖音直播粉丝福利群" } as const;
const GROUP_NAMES = ["抖音粉丝福利1群", "抖音粉丝福利2群", "抖音粉丝福利3群"];
const OWNER = "zhaomin";
const GROUP_WAIT_MS = 30_000;

/** What the funnel step did. */
export interface FunnelCounts {
  joins: number;
  /** The pool's groups by name with their member counts on WeCom's side afterwards. */
  groups: Record<string, number>;
}

/**
 * Open the fan groups, create the funnel (threshold about 60% of the joins, so the first group
 * fills and the funnel rotates) unless it exists, and let `joins` customers join through it.
 *
 * @param context callback URL and clock.
 * @param session the operator's console session.
 * @param joins how many customers join in all (a second run adds only what is missing).
 * @param processingTimeoutMs how long to wait for the product after each join.
 * @returns the joins sent and the groups' sizes.
 */
export async function fillFunnel(context: SandboxContext, session: ConsoleSession, joins: number, processingTimeoutMs: number): Promise<FunnelCounts> {
  const chatIds = await openGroups(context);
  const { state, threshold } = await ensureFunnel(session, chatIds, Math.max(3, Math.round(joins * 0.6)));
  const way = await SandboxJoinWay.findOne({ state }, { _id: 1 }).lean();
  const counts: FunnelCounts = { joins: 0, groups: {} };
  if (way) {
    const groups = await SandboxGroup.find({ _id: { $in: chatIds } }, { member_list: 1 }).lean();
    const inside = new Set(groups.flatMap((group) => group.member_list.filter((member) => member.type === 2).map((member) => member.userid)));
    const missing = Math.max(0, joins - inside.size);
    // The newest customers, who came from the live stream's weeks.
    const customers = (await SandboxCustomer.find({}, { _id: 1 }).sort({ created_at: -1, _id: 1 }).limit(joins * 2).lean()).filter((customer) => !inside.has(customer._id)).slice(0, missing);
    const now = context.now().getTime();
    for (const [index, customer] of customers.entries()) {
      const joined = await scanGroupQr(context, { externalUserId: customer._id, qr: qrText("join_way", way._id), at: new Date(now - (customers.length - index) * 60_000) });
      counts.joins += 1;
      // This join filled the group: the product rotates on its event; let it before the next scan
      // (otherwise WeCom would keep filling this group up to 200, as it does with scans in flight).
      if (joined.memberCount >= threshold) {
        await waitForProduct(processingTimeoutMs);
      }
    }
  }
  for (const group of await SandboxGroup.find({ _id: { $in: chatIds } }, { name: 1, member_list: 1 }).lean()) {
    counts.groups[group.name] = group.member_list.length;
  }
  return counts;
}

/** The fan groups on WeCom's side (created once, with WeCom's create callback), by chat id. */
async function openGroups(context: SandboxContext): Promise<string[]> {
  const at = new Date(context.now().getTime() - 30 * 24 * 3600_000);
  const chatIds: string[] = [];
  for (const name of GROUP_NAMES) {
    const chatId = `wr${crypto.createHash("sha256").update(`sandbox-demo-funnel:${name}`).digest("hex").slice(0, 30)}`;
    chatIds.push(chatId);
    try {
      await SandboxGroup.create({
        chat_id: chatId,
        name,
        owner: OWNER,
        create_time: unix(at),
        notice: "直播间粉丝专属：每场直播前在群里发放福利券。",
        member_list: [{ userid: OWNER, type: 1, join_time: unix(at), join_scene: 1, name: PEOPLE.find((person) => person.userid === OWNER)?.name ?? "" }],
        member_version: newMemberVersion(),
      });
      await callbacksAt(context, at).groupCreate({ chat_id: chatId });
    } catch (error) {
      if (!isDuplicateKeyError(error)) {
        throw error;
      }
    }
  }
  // The funnel editor offers only groups the product knows: wait until their create events landed.
  await waitFor(async () => (await Group.countDocuments({ chatId: { $in: chatIds } })) === chatIds.length, { timeoutMs: GROUP_WAIT_MS });
  return chatIds;
}

/** The funnel's join-way state and threshold (created through the console when it is not there yet). */
async function ensureFunnel(session: ConsoleSession, chatIds: string[], threshold: number): Promise<{ state: string; threshold: number }> {
  const listed = await session.call<{ slug: string; state: string; threshold: number }[]>("GET", "/funnels");
  const existing = (listed.data ?? []).find((funnel) => funnel.slug === DEMO_FUNNEL.slug);
  if (existing) {
    return existing;
  }
  const created = await session.call<{ state: string; threshold: number }>("POST", "/funnels", {
    name: DEMO_FUNNEL.name,
    slug: DEMO_FUNNEL.slug,
    landingText: "直播间粉丝专属福利群：每场直播前发放专属券，群满自动换新群。",
    threshold,
    lowPoolWarning: 1,
    groups: chatIds.map((chatId) => ({ kind: "wecom", chatId })),
  });
  if (created.status !== 201 || !created.data) {
    throw new Error(`管理后台拒绝了演示群活码（HTTP ${created.status}）：${created.message}`);
  }
  return created.data;
}

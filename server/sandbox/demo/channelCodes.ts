// The demo's 渠道活码: the operator creates three codes in the console — a store code (门店活码)
// answered by the store's guides in weekly shifts, a Douyin live-stream code answered in the
// evening with a daily cap and backups, and a Tmall after-sales card code — each with a welcome
// message (text with the customer's name, a picture, a link or a mini-program card). Then WeChat
// users add through them over the last four weeks (add_external_contact with the code's state,
// dated when it happened) and some delete the guide, or are deleted, days later, so the codes'
// statistics have something to show. Back-dated adds carry no WelcomeCode: WeCom's 20-second
// window for them closed long ago.
import crypto from "node:crypto";
import { mapLimit } from "../../utils/async.ts";
import { pick, seededRandom } from "../../utils/random.ts";
import { callbacksAt, DAY_MS, type SandboxContext } from "../actions/context.ts";
import { customerDoc, followDoc, type NewContact } from "../actions/scan.ts";
import type { ConsoleSession } from "../consoleSession.ts";
import { randomCustomerName } from "../demoData.ts";
import { SandboxContactWay, SandboxCustomer, SandboxFollow } from "../models/index.ts";
import { bandedPng } from "./pictures.ts";
import { waitForProduct } from "./product.ts";

const WEEKDAYS = [1, 2, 3, 4, 5];
const WEEKEND = [6, 7];
const EVERY_DAY = [1, 2, 3, 4, 5, 6, 7];
const slots = (days: number[], start: string, end: string) => days.map((day) => ({ day, start, end }));

interface DemoCode {
  key: string;
  name: string;
  /** Share of the demo's channel adds. */
  share: number;
  /** China-time hours the adds happen in [from, to). */
  hours: [number, number];
  body: (images: { storeCard: string; liveCover: string }) => Record<string, unknown>;
}

const CODES: DemoCode[] = [
  {
    key: "store",
    name: "南京西路店·门店活码",
    share: 0.5,
    hours: [10, 22],
    body: ({ storeCard }) => ({
      channel: "门店活码",
      type: "store",
      storeId: "101",
      guides: [
        { userId: "zhangxiaomei", slots: slots(WEEKDAYS, "10:00", "16:00") },
        { userId: "liting", slots: slots(WEEKDAYS, "16:00", "22:00") },
        { userId: "wanghao", slots: slots(WEEKEND, "10:00", "22:00") },
      ],
      backupGuides: ["chenjing"],
      dailyCap: 40,
      skipVerify: { mode: "always" },
      welcome: {
        text: "您好 {客户昵称}，欢迎光临南京西路店！我是您的专属美容顾问，护肤问题随时问我～",
        attachments: [
          { type: "image", imageId: storeCard },
          { type: "link", title: "新客礼：到店领取旅行装", url: "https://brand.example.com/store/newcomer", desc: "凭此消息到南京西路店收银台领取" },
        ],
      },
    }),
  },
  {
    key: "live",
    name: "抖音直播间·粉丝福利码",
    share: 0.35,
    hours: [19, 23],
    body: ({ liveCover }) => ({
      channel: "抖音直播",
      type: "multi",
      guides: ["zhaomin", "sunlei", "zhengshuang"].map((userId) => ({ userId, slots: slots(EVERY_DAY, "19:00", "23:00") })),
      backupGuides: ["zhouyan"],
      dailyCap: 150,
      skipVerify: { mode: "window", start: "19:00", end: "23:00" },
      welcome: {
        text: "{客户昵称} 您好，感谢关注直播间！直播专属券已为您备好，点下方小程序领取～",
        attachments: [{ type: "miniprogram", title: "直播间专属券 满199减50", appid: "wx5a9sandbox0001", page: "pages/coupon/index?from=douyin", imageId: liveCover }],
      },
    }),
  },
  {
    key: "tmall",
    name: "天猫售后卡",
    share: 0.15,
    hours: [9, 21],
    body: () => ({
      channel: "天猫",
      type: "single",
      guides: [{ userId: "heli", slots: [] }],
      dailyCap: 80,
      skipVerify: { mode: "never" },
      welcome: {
        text: "{客户昵称} 您好，我是天猫旗舰店的售后顾问何丽，使用中有任何问题都可以直接问我。",
        attachments: [{ type: "link", title: "天猫旗舰店 · 产品使用指南", url: "https://brand.example.com/tmall/guide", desc: "精华、面霜、防晒的正确用法" }],
      },
    }),
  },
];

/** What the channel-code step did. */
export interface ChannelCodeCounts {
  codes: number;
  adds: number;
  deleted: number;
}

/**
 * Create the demo's codes as the operator (unless they exist) and add `adds` customers through
 * them over the last four weeks, some deleted later; a second run adds only what is missing.
 *
 * @param context callback URL and clock.
 * @param session the operator's console session.
 * @param adds customers to add through the codes in all.
 * @param options callbacks in flight at once, and how long to wait for the product.
 * @returns what was created and sent.
 */
export async function addChannelCodes(context: SandboxContext, session: ConsoleSession, adds: number, options: { concurrency: number; processingTimeoutMs: number }): Promise<ChannelCodeCounts> {
  const { concurrency } = options;
  const codes = await ensureCodes(session);
  const counts: ChannelCodeCounts = { codes: codes.length, adds: 0, deleted: 0 };
  const now = context.now();
  const planned: { contact: NewContact; deleteAt: Date | null; byCustomer: boolean }[] = [];
  for (const { demo, state, guides } of codes) {
    const way = await SandboxContactWay.findOne({ state }, { _id: 1 }).lean();
    if (!way || guides.length === 0) {
      continue;
    }
    const count = Math.round(adds * demo.share);
    for (let index = 0; index < count; index++) {
      const externalUserId = stableExternalUserId(`${demo.key}:${index}`);
      const random = seededRandom(externalUserId);
      const day = Math.floor(random() * 28);
      const hour = demo.hours[0] + random() * (demo.hours[1] - demo.hours[0]);
      // China time (UTC+8) on that day, never later than a minute ago.
      const midnight = Math.floor((now.getTime() + 8 * 3600_000) / DAY_MS) * DAY_MS - 8 * 3600_000;
      const at = new Date(Math.min(now.getTime() - 60_000, midnight - day * DAY_MS + hour * 3600_000));
      const contact: NewContact = { externalUserId, name: randomCustomerName(random), userid: pick(random, guides), state, tags: [], at, welcomeCode: "" };
      const deleteAt = random() < 0.12 ? new Date(Math.min(now.getTime() - 30_000, at.getTime() + (1 + random() * 9) * DAY_MS)) : null;
      planned.push({ contact, deleteAt, byCustomer: random() < 0.6 });
    }
  }
  const known = new Set((await SandboxCustomer.find({ _id: { $in: planned.map((entry) => entry.contact.externalUserId) } }, { _id: 1 }).lean()).map((customer) => customer._id));
  const fresh = planned.filter((entry) => !known.has(entry.contact.externalUserId)).sort((a, b) => a.contact.at.getTime() - b.contact.at.getTime());
  if (fresh.length === 0) {
    return counts;
  }
  await SandboxCustomer.insertMany(fresh.map((entry) => customerDoc(context.callbackUrl, entry.contact)), { ordered: false });
  await SandboxFollow.insertMany(fresh.map((entry) => ({ ...followDoc(entry.contact), welcome_code: null, welcome_code_expires_at: null })), { ordered: false });
  await mapLimit(fresh, concurrency, async ({ contact }) => {
    await callbacksAt(context, contact.at).addExternalContact({ userid: contact.userid, external_userid: contact.externalUserId, state: contact.state });
  });
  counts.adds = fresh.length;
  // Days passed in WeCom between an add and its deletion: the product has read the customer
  // (externalcontact/get needs the follow) before WeCom's side forgets the follow.
  await waitForProduct(options.processingTimeoutMs);
  const deletions = fresh.filter((entry): entry is typeof entry & { deleteAt: Date } => entry.deleteAt !== null);
  await mapLimit(deletions, concurrency, async ({ contact, deleteAt, byCustomer }) => {
    await SandboxFollow.deleteOne({ external_userid: contact.externalUserId, userid: contact.userid });
    const callbacks = callbacksAt(context, deleteAt);
    const pair = { userid: contact.userid, external_userid: contact.externalUserId };
    await (byCustomer ? callbacks.delFollowUser(pair) : callbacks.delExternalContact(pair));
  });
  counts.deleted = deletions.length;
  return counts;
}

/** The codes as the product holds them (created now when missing), with who may answer. */
async function ensureCodes(session: ConsoleSession): Promise<{ demo: DemoCode; state: string; guides: string[] }[]> {
  const listed = await session.call<{ name: string; state: string; guides: { userId: string }[] }[]>("GET", "/channel-codes?pageSize=100");
  const existing = new Map((listed.data ?? []).map((code) => [code.name, code]));
  let images: { storeCard: string; liveCover: string } | null = null;
  const codes: { demo: DemoCode; state: string; guides: string[] }[] = [];
  for (const demo of CODES) {
    let code = existing.get(demo.name);
    if (!code) {
      images ??= { storeCard: await upload(session, "store-card.png", bandedPng(480, 300, [214, 94, 120])), liveCover: await upload(session, "live-cover.png", bandedPng(520, 416, [40, 40, 48])) };
      const created = await session.call<{ name: string; state: string; guides: { userId: string }[] }>("POST", "/channel-codes", { name: demo.name, ...demo.body(images) });
      if (created.status !== 201 || !created.data) {
        throw new Error(`管理后台拒绝了演示渠道活码「${demo.name}」（HTTP ${created.status}）：${created.message}`);
      }
      code = created.data;
    }
    codes.push({ demo, state: code.state, guides: code.guides.map((guide) => guide.userId) });
  }
  return codes;
}

async function upload(session: ConsoleSession, filename: string, png: Buffer): Promise<string> {
  const answer = await session.call<{ id: string }>("POST", "/channel-code-images", { filename, contentType: "image/png", dataBase64: png.toString("base64") });
  if (answer.status !== 201 || !answer.data) {
    throw new Error(`管理后台拒绝了欢迎语图片（HTTP ${answer.status}）：${answer.message}`);
  }
  return answer.data.id;
}

/** The same WeChat user for the same demo slot on every run (wm + 30 letters, like WeCom's). */
function stableExternalUserId(key: string): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
  const digest = crypto.createHash("sha256").update(`sandbox-demo-channel:${key}`).digest();
  return `wm${Array.from(digest.subarray(0, 30), (byte) => alphabet[byte % alphabet.length]).join("")}`;
}

// The demo's 朋友圈: two months of moments the operator plans in the console, mostly care, some
// service, a few ads (last month slightly over 10% ads, so the mix warning shows). Moments whose
// time has passed are sent through the product's own publish and sync commands against the WeCom
// stand-in, then moved back to their time on both sides (the demo's one shortcut: it cannot wait
// weeks), so the sandbox guides' habits give the completion pages a real spread of who published.
// Moments still ahead stay scheduled with their Agenda job. Texts are unique: a second run
// creates only what is missing.
import { saveMediaFile } from "../../commands/mediaLibrary.ts";
import momentPublisher from "../../commands/momentPublisher.ts";
import momentSync from "../../commands/momentSync.ts";
import { chinaMonth } from "../../domain/momentRules.ts";
import { Moment } from "../../models/Moment.ts";
import type { PresentedMoment } from "../../presenters/moment.ts";
import type { PresentedStore } from "../../presenters/store.ts";
import { WeComClient } from "../../wecom/client.ts";
import { SANDBOX_AGENT_SECRET, SANDBOX_CONTACT_SECRET, SANDBOX_CORP_ID } from "../config.ts";
import type { ConsoleSession } from "../consoleSession.ts";
import { SandboxMoment } from "../models/index.ts";
import { bandedPng } from "./pictures.ts";

type Kind = "care" | "service" | "ads";
interface Post {
  /** Day of the month and China hour. */
  day: number;
  hour: number;
  kind: Kind;
  text: string;
  images?: [number, number, number][];
}

const LAST_MONTH: Post[] = [
  { day: 2, hour: 10, kind: "care", text: "降温了，出门记得多穿一件。干燥季节护肤：温水洁面、及时补水，晚间加一层面霜。", images: [[120, 170, 210]] },
  { day: 5, hour: 20, kind: "service", text: "会员积分可在小程序「会员中心」兑换小样和护理券，本月兑换不限次数～" },
  { day: 8, hour: 10, kind: "care", text: "周末愉快！推荐一个五分钟的肩颈放松小动作，久坐的姐妹试试。", images: [[150, 200, 160], [210, 180, 140]] },
  { day: 11, hour: 20, kind: "ads", text: "双十一返场：精华水买一送一，仅限本周，会员再享 95 折。", images: [[220, 120, 120]] },
  { day: 14, hour: 10, kind: "care", text: "换季容易泛红的皮肤，这几天先停掉去角质，给屏障放个假。" },
  { day: 17, hour: 20, kind: "care", text: "今晚月色很好，早点休息，熬夜是皮肤最大的敌人。", images: [[70, 80, 140]] },
  { day: 20, hour: 10, kind: "service", text: "门店新增免费肌肤检测，预约到店 15 分钟出报告，顺路来坐坐。" },
  { day: 24, hour: 10, kind: "care", text: "感恩节快乐！谢谢你一直以来的陪伴，有任何护肤问题随时问我。", images: [[230, 190, 120]] },
  { day: 27, hour: 20, kind: "care", text: "给手也做个保养：洗手后趁湿涂护手霜，睡前厚涂再戴棉手套。" },
];

const THIS_MONTH: Post[] = [
  { day: 1, hour: 10, kind: "care", text: "十二月的第一天，愿这个月温暖又从容。记得给自己留一点独处的时间。", images: [[200, 160, 120]] },
  { day: 3, hour: 20, kind: "service", text: "快递延误可直接在这里告诉我订单号，我帮你加急跟进。" },
  { day: 4, hour: 10, kind: "care", text: "暖气房里皮肤更缺水，床头放一杯水或加湿器，早上起来脸不紧绷。" },
  { day: 7, hour: 10, kind: "care", text: "大雪节气，喝点热汤暖暖身子。门店今天为会员准备了姜枣茶。", images: [[180, 110, 90], [240, 220, 200], [140, 100, 80]] },
  { day: 10, hour: 20, kind: "care", text: "冬天的唇部护理：唇膏不离身，每周一次温和去死皮。" },
  { day: 12, hour: 10, kind: "ads", text: "双十二会员日：全场满 300 减 50，金卡会员再送保温杯。", images: [[210, 60, 60]] },
  { day: 14, hour: 20, kind: "care", text: "周末在家也要防晒，靠窗的位置紫外线一样会晒到。" },
  { day: 17, hour: 10, kind: "service", text: "年终积分清零提醒：本年度积分将于 12 月 31 日到期，记得来兑换哦。" },
  { day: 19, hour: 20, kind: "care", text: "冬至快到了，提前祝你和家人团团圆圆，吃饺子还是汤圆？" },
  { day: 22, hour: 10, kind: "care", text: "冬至快乐！天冷多喝热水，今天早点下班回家吧。", images: [[230, 230, 240]] },
  { day: 25, hour: 20, kind: "care", text: "圣诞快乐！愿你收到的每一份礼物都是心意。", images: [[40, 120, 70], [200, 40, 40]] },
  { day: 29, hour: 10, kind: "care", text: "这一年辛苦了。新年计划里，别忘了留一条给好好照顾自己。" },
];

/** What the demo's moments did. */
export interface MomentCounts {
  created: number;
  sent: number;
  scheduled: number;
}

const CHINA = 8 * 3_600_000;
/** A post's time: day and China hour of a month (YYYY-MM). */
const at = (month: string, post: Post) => new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)) - 1, post.day, post.hour) - CHINA);
const previousMonth = (month: string) => {
  const date = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)) - 2, 1));
  return date.toISOString().slice(0, 7);
};

async function images(post: Post): Promise<string[]> {
  const ids: string[] = [];
  for (const [index, rgb] of (post.images ?? []).entries()) {
    const file = await saveMediaFile({ name: `朋友圈配图${index + 1}.png`, mime: "image/png", data: bandedPng(360, 360, rgb), createdBy: "demo" });
    ids.push(file.id);
  }
  return ids;
}

/** Send a past moment now through the product's commands, then move it back to its time on both sides. */
async function sendInThePast(wecom: WeComClient, momentId: string, scheduledAt: Date, now: Date): Promise<boolean> {
  await Moment.updateOne({ _id: momentId, status: "draft" }, { $set: { status: "scheduled" } });
  const outcome = await momentPublisher({ wecom, momentId, now });
  const moment = await Moment.findById(momentId).lean();
  if (outcome.status !== "sent" || !moment?.jobId) {
    return false;
  }
  const shift = Math.floor((now.getTime() - scheduledAt.getTime()) / 1000);
  const task = await SandboxMoment.findById(moment.jobId).lean();
  if (task) {
    const publishList = task.publish_list.map((entry) => ({ userid: entry.userid, publish_time: entry.publish_time > 0 ? entry.publish_time - shift : 0 }));
    await SandboxMoment.updateOne({ _id: task._id }, { $set: { create_time: task.create_time - shift, publish_list: publishList } });
  }
  await Moment.updateOne({ _id: momentId }, { $set: { sentAt: scheduledAt, jobIdAt: scheduledAt } });
  await momentSync({ wecom, momentId, now });
  return true;
}

/**
 * Plan last month's and this month's moments in the console; send the past ones.
 *
 * @param operator the operator's console session.
 * @param wecomApiBase the WeCom stand-in's origin (without it, past moments stay drafts).
 * @param now the clock.
 * @returns what was created and sent.
 */
export async function runDemoMoments(operator: ConsoleSession, wecomApiBase: string | undefined, now: Date): Promise<MomentCounts> {
  const counts: MomentCounts = { created: 0, sent: 0, scheduled: 0 };
  const stores = ((await operator.call<PresentedStore[]>("GET", "/stores")).data ?? []).filter((store) => store.parentId !== null && store.employeeCount > 0);
  if (stores.length === 0) {
    return counts;
  }
  const wecom = wecomApiBase ? new WeComClient({ baseUrl: wecomApiBase, corpId: SANDBOX_CORP_ID, secrets: { contact: SANDBOX_CONTACT_SECRET, agent: SANDBOX_AGENT_SECRET } }) : null;
  const month = chinaMonth(now);
  const plan = [...LAST_MONTH.map((post) => ({ post, time: at(previousMonth(month), post) })), ...THIS_MONTH.map((post) => ({ post, time: at(month, post) }))];
  for (const [index, { post, time }] of plan.entries()) {
    if (await Moment.exists({ text: post.text })) {
      continue;
    }
    const past = time.getTime() <= now.getTime() + 60_000;
    // Stores take turns, so each store has posts of its own; every third post goes to all of them.
    const departmentIds = index % 3 === 0 ? stores.map((store) => Number(store.id)) : [Number(stores[index % stores.length]!.id)];
    const fileIds = await images(post);
    const created = await operator.call<PresentedMoment>("POST", "/moments", {
      text: post.text,
      kind: post.kind,
      attachment: fileIds.length > 0 ? { type: "images", fileIds } : { type: "none" },
      publishers: { departmentIds, userIds: [] },
      scheduledAt: time.toISOString(),
      syncDays: 7,
      draft: past,
    });
    if (created.status !== 201 || !created.data) {
      continue;
    }
    counts.created += 1;
    if (!past) {
      counts.scheduled += 1;
    } else if (wecom && (await sendInThePast(wecom, created.data.id, time, now))) {
      counts.sent += 1;
    }
  }
  return counts;
}

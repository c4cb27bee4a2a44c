import type { Writable } from "node:stream";
import { chinaWallClock } from "../domain/chinaTime.ts";
import { CampaignGuide, type CampaignGuideAttrs, type CampaignGuideState, type CampaignKind } from "../models/CampaignGuide.ts";
import { Department } from "../models/Department.ts";
import { Employee } from "../models/Employee.ts";
import { CAMPAIGN_GUIDE_STATE_LABELS } from "../presenters/labels.ts";
import xlsxStreamer, { type XlsxColumn } from "./xlsxStreamer.ts";

/** What each kind's sync learns per guide, as the export's last columns. */
const FIGURE_COLUMNS: Record<CampaignKind, { key: string; header: string }[]> = {
  moment: [
    { key: "likes", header: "点赞" },
    { key: "comments", header: "评论" },
  ],
  mass: [
    { key: "delivered", header: "送达客户" },
    { key: "notFriend", header: "非好友" },
    { key: "capped", header: "超过接收上限" },
  ],
};

const COLUMNS: XlsxColumn[] = [
  { header: "导购", width: 12 },
  { header: "门店", width: 16 },
  { header: "状态", width: 8 },
  { header: "失败原因", width: 24 },
  { header: "提醒次数", width: 8 },
  { header: "最近提醒", width: 18, numFmt: "yyyy-mm-dd hh:mm" },
  { header: "完成时间", width: 18, numFmt: "yyyy-mm-dd hh:mm" },
];

/**
 * Stream a campaign's guides (as the drill-down filters them) into an .xlsx with names, by store
 * (bounded memory, stops when the download is cancelled: see xlsxStreamer).
 *
 * @param props the kind, the guides' filter and the output (the HTTP response).
 * @returns how many rows were written.
 */
export default async function campaignGuidesExporter({ kind, filter, output }: { kind: CampaignKind; filter: Record<string, unknown>; output: Writable }): Promise<number> {
  // The directory is small next to a campaign's guides: names by id up front, not one read per row.
  const [employees, departments] = await Promise.all([Employee.find({}, { userId: 1, name: 1 }).lean(), Department.find({}, { departmentId: 1, name: 1 }).lean()]);
  const guideName = new Map(employees.map((employee) => [employee.userId, employee.name]));
  const storeName = new Map(departments.map((department) => [String(department.departmentId), department.name]));
  const figures = FIGURE_COLUMNS[kind];
  return xlsxStreamer({
    output,
    sheetName: "导购完成情况",
    columns: [...COLUMNS, ...figures.map((figure) => ({ header: figure.header, width: 10 }))],
    records: CampaignGuide.find(filter).sort({ storeId: 1, userId: 1 }).lean<CampaignGuideAttrs[]>().cursor({ batchSize: 1000 }),
    toRow: (guide: CampaignGuideAttrs) => [
      guideName.get(guide.userId) || guide.userId,
      guide.storeId ? (storeName.get(guide.storeId) ?? "") : "",
      CAMPAIGN_GUIDE_STATE_LABELS[guide.state as CampaignGuideState],
      guide.failReason ?? "",
      guide.remindCount ?? 0,
      chinaWallClock(guide.lastRemindedAt),
      chinaWallClock(guide.doneAt),
      ...figures.map((figure) => (guide.figures as Record<string, number> | undefined)?.[figure.key] ?? null),
    ],
  });
}

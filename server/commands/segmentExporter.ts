import type { Writable } from "node:stream";
import { chinaWallClock } from "../domain/chinaTime.ts";
import { levelRank, type Program } from "../domain/program.ts";
import { Department } from "../models/Department.ts";
import { Member } from "../models/Member.ts";
import { CHANNEL_LABELS, labelOf } from "../presenters/labels.ts";
import xlsxStreamer, { type XlsxColumn } from "./xlsxStreamer.ts";

/** The export's columns, in order. */
const COLUMNS: XlsxColumn[] = [
  { header: "会员号", width: 14 },
  { header: "姓名", width: 12 },
  { header: "手机号(脱敏)", width: 15 },
  { header: "等级", width: 10 },
  { header: "成长值", width: 10 },
  { header: "积分", width: 10 },
  { header: "累计消费(元)", width: 14, numFmt: "0.00" },
  { header: "订单数", width: 8 },
  { header: "最近购买", width: 18, numFmt: "yyyy-mm-dd hh:mm" },
  { header: "来源渠道", width: 10 },
  { header: "门店", width: 14 },
];

const PROJECTION = "memberNo name phoneMasked levelCode growth points metrics.totalSpent metrics.orderCount metrics.lastPurchaseAt sourceChannel homeStoreId";

/**
 * Stream a segment's members into an .xlsx, a row per member, from a cursor (bounded memory,
 * stops when the download is cancelled: see xlsxStreamer).
 *
 * @param props the members' filter, the program (level names) and the output (the HTTP response).
 * @returns how many member rows were written.
 */
export default async function segmentExporter({ filter, program, output }: { filter: Record<string, unknown>; program: Program; output: Writable }): Promise<number> {
  const levelName = (code: string) => program.levels[levelRank(program, code)]?.name ?? code;
  // Stores are WeCom departments; operators read the store's name, not its department id.
  const departments = await Department.find({}, { departmentId: 1, name: 1 }).lean();
  const storeNames = new Map(departments.map((department) => [String(department.departmentId), department.name]));
  return xlsxStreamer({
    output,
    sheetName: "会员",
    columns: COLUMNS,
    records: Member.find(filter).select(PROJECTION).sort({ _id: 1 }).lean().cursor({ batchSize: 1000 }),
    toRow: (member) => [
      member.memberNo,
      member.name,
      member.phoneMasked,
      levelName(member.levelCode),
      member.growth,
      member.points,
      (member.metrics?.totalSpent ?? 0) / 100,
      member.metrics?.orderCount ?? 0,
      chinaWallClock(member.metrics?.lastPurchaseAt),
      labelOf(CHANNEL_LABELS, member.sourceChannel),
      member.homeStoreId ? (storeNames.get(member.homeStoreId) ?? member.homeStoreId) : null,
    ],
  });
}

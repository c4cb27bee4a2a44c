import type { Writable } from "node:stream";
import ExcelJS from "exceljs";
import { CHINA_OFFSET_MS } from "../domain/chinaTime.ts";
import { levelRank, type Program } from "../domain/program.ts";
import { Department } from "../models/Department.ts";
import { Member } from "../models/Member.ts";

/** Rows between checks of the client's pace: small enough to bound what waits in buffers. */
const ROWS_PER_CHECK = 200;

const CHANNEL_LABELS: Record<string, string> = {
  tmall: "天猫",
  jd: "京东",
  miniprogram: "小程序",
  store: "门店",
  wecom: "企业微信",
};

/** The export's columns, in order. */
export const SEGMENT_EXPORT_HEADERS = ["会员号", "姓名", "手机号(脱敏)", "等级", "成长值", "积分", "累计消费(元)", "订单数", "最近购买", "来源渠道", "门店"];
const WIDTHS = [14, 12, 15, 10, 10, 10, 14, 8, 18, 10, 14];
const FORMATS: Record<number, string> = { 6: "0.00", 8: "yyyy-mm-dd hh:mm" };

const PROJECTION = "memberNo name phoneMasked levelCode growth points metrics.totalSpent metrics.orderCount metrics.lastPurchaseAt sourceChannel homeStoreId";

interface Props {
  filter: Record<string, unknown>;
  program: Program;
  /** Where the .xlsx bytes go (the HTTP response); ended when the workbook is complete. */
  output: Writable;
}

/** Resolve once the output wants more, or is gone. */
function drained(output: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      output.off("drain", done).off("close", done).off("error", done);
      resolve();
    };
    output.on("drain", done).on("close", done).on("error", done);
  });
}

/**
 * Stream a segment's members into an .xlsx. Members come from a cursor and each row is
 * committed as it is written, and the loop waits whenever the client falls behind, so memory
 * stays bounded however many members match. Stops early (without finishing the file) if the
 * output is destroyed, e.g. the download was cancelled.
 *
 * @param props the members' filter, the program (level names) and the output.
 * @returns how many member rows were written.
 */
export default async function segmentExporter({ filter, program, output }: Props): Promise<number> {
  // A late write after the client left must not become an unhandled 'error' event.
  output.on("error", () => undefined);
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: output, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet("会员");
  sheet.columns = SEGMENT_EXPORT_HEADERS.map((header, index) => ({
    header,
    width: WIDTHS[index] ?? 12,
    ...(FORMATS[index] ? { style: { numFmt: FORMATS[index] } } : {}),
  }));
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(1).commit();
  const levelName = (code: string) => program.levels[levelRank(program, code)]?.name ?? code;
  // Stores are WeCom departments; operators read the store's name, not its department id.
  const departments = await Department.find({}, { departmentId: 1, name: 1 }).lean();
  const storeNames = new Map(departments.map((department) => [String(department.departmentId), department.name]));
  const cursor = Member.find(filter).select(PROJECTION).sort({ _id: 1 }).lean().cursor({ batchSize: 1000 });
  let rows = 0;
  try {
    for await (const member of cursor) {
      if (output.destroyed) {
        return rows;
      }
      const last = member.metrics?.lastPurchaseAt ?? null;
      sheet
        .addRow([
          member.memberNo,
          member.name,
          member.phoneMasked,
          levelName(member.levelCode),
          member.growth,
          member.points,
          (member.metrics?.totalSpent ?? 0) / 100,
          member.metrics?.orderCount ?? 0,
          // Excel has no time zones: China wall-clock time, as operators read it.
          last ? new Date(last.getTime() + CHINA_OFFSET_MS) : null,
          CHANNEL_LABELS[member.sourceChannel] ?? member.sourceChannel,
          member.homeStoreId ? (storeNames.get(member.homeStoreId) ?? member.homeStoreId) : null,
        ])
        .commit();
      rows += 1;
      if (rows % ROWS_PER_CHECK === 0 && output.writableNeedDrain) {
        await drained(output);
      }
    }
  } finally {
    await cursor.close();
  }
  if (output.destroyed) {
    return rows;
  }
  sheet.commit();
  await workbook.commit();
  return rows;
}

import type { Writable } from "node:stream";
import ExcelJS from "exceljs";
import { CHINA_OFFSET_MS } from "../domain/chinaTime.ts";
import { CustomerLoss } from "../models/CustomerLoss.ts";
import { Department } from "../models/Department.ts";
import { Employee } from "../models/Employee.ts";

/** Rows between checks of the client's pace, as in the segment export. */
const ROWS_PER_CHECK = 200;

/** The export's columns, in order. */
export const LOSS_EXPORT_HEADERS = ["客户", "导购", "门店", "来源渠道码", "添加时间", "流失时间", "留存天数"];
const WIDTHS = [16, 12, 16, 20, 18, 18, 10];
const FORMATS: Record<number, string> = { 4: "yyyy-mm-dd hh:mm", 5: "yyyy-mm-dd hh:mm" };

interface Props {
  filter: Record<string, unknown>;
  /** Where the .xlsx bytes go (the HTTP response); ended when the workbook is complete. */
  output: Writable;
}

// Excel has no time zones: China wall-clock time, as managers read it.
const chinaWallClock = (at: Date | null | undefined) => (at ? new Date(at.getTime() + CHINA_OFFSET_MS) : null);

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
 * Stream the losses a filter selects into an .xlsx, newest first, with guides' and stores' names.
 * Losses come from a cursor, each row is committed as written and the loop waits for a slow
 * client, so memory stays bounded; a cancelled download stops it.
 *
 * @param props the losses' filter and the output.
 * @returns how many rows were written.
 */
export default async function lossExporter({ filter, output }: Props): Promise<number> {
  output.on("error", () => undefined);
  // The directory is small next to the losses: names by id up front, not one read per row.
  const [employees, departments] = await Promise.all([Employee.find({}, { userId: 1, name: 1 }).lean(), Department.find({}, { departmentId: 1, name: 1 }).lean()]);
  const guideName = new Map(employees.map((employee) => [employee.userId, employee.name]));
  const storeName = new Map(departments.map((department) => [String(department.departmentId), department.name]));
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: output, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet("流失记录");
  sheet.columns = LOSS_EXPORT_HEADERS.map((header, index) => ({ header, width: WIDTHS[index] ?? 12, ...(FORMATS[index] ? { style: { numFmt: FORMATS[index] } } : {}) }));
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(1).commit();
  const cursor = CustomerLoss.find(filter).sort({ deletedAt: -1, _id: -1 }).lean().cursor({ batchSize: 1000 });
  let rows = 0;
  try {
    for await (const loss of cursor) {
      if (output.destroyed) {
        return rows;
      }
      sheet
        .addRow([
          loss.customerName || "未命名客户",
          guideName.get(loss.userId) || "未知导购",
          loss.storeId ? (storeName.get(loss.storeId) ?? "") : "",
          loss.state,
          chinaWallClock(loss.addedAt),
          chinaWallClock(loss.deletedAt),
          loss.daysSinceAdd ?? null,
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

import type { Writable } from "node:stream";
import { chinaWallClock } from "../domain/chinaTime.ts";
import { CustomerLoss } from "../models/CustomerLoss.ts";
import { Department } from "../models/Department.ts";
import { Employee } from "../models/Employee.ts";
import xlsxStreamer, { type XlsxColumn } from "./xlsxStreamer.ts";

/** The export's columns, in order. */
const COLUMNS: XlsxColumn[] = [
  { header: "客户", width: 16 },
  { header: "导购", width: 12 },
  { header: "门店", width: 16 },
  { header: "来源渠道码", width: 20 },
  { header: "添加时间", width: 18, numFmt: "yyyy-mm-dd hh:mm" },
  { header: "流失时间", width: 18, numFmt: "yyyy-mm-dd hh:mm" },
  { header: "留存天数", width: 10 },
];

/**
 * Stream the losses a filter selects into an .xlsx, newest first, with guides' and stores' names
 * (bounded memory, stops when the download is cancelled: see xlsxStreamer).
 *
 * @param props the losses' filter and the output (the HTTP response).
 * @returns how many rows were written.
 */
export default async function lossExporter({ filter, output }: { filter: Record<string, unknown>; output: Writable }): Promise<number> {
  // The directory is small next to the losses: names by id up front, not one read per row.
  const [employees, departments] = await Promise.all([Employee.find({}, { userId: 1, name: 1 }).lean(), Department.find({}, { departmentId: 1, name: 1 }).lean()]);
  const guideName = new Map(employees.map((employee) => [employee.userId, employee.name]));
  const storeName = new Map(departments.map((department) => [String(department.departmentId), department.name]));
  return xlsxStreamer({
    output,
    sheetName: "流失记录",
    columns: COLUMNS,
    records: CustomerLoss.find(filter).sort({ deletedAt: -1, _id: -1 }).lean().cursor({ batchSize: 1000 }),
    toRow: (loss) => [
      loss.customerName || "未命名客户",
      guideName.get(loss.userId) || "未知导购",
      loss.storeId ? (storeName.get(loss.storeId) ?? "") : "",
      loss.state,
      chinaWallClock(loss.addedAt),
      chinaWallClock(loss.deletedAt),
      loss.daysSinceAdd ?? null,
    ],
  });
}

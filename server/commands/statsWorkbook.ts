import ExcelJS from "exceljs";
import type { XlsxColumn } from "./xlsxStreamer.ts";

/** One sheet of a statistics workbook: its name, columns and rows (null prints as "—"). */
export interface StatsSheet {
  name: string;
  columns: XlsxColumn[];
  rows: (string | number | null)[][];
}

/** A rate column: the share as Excel's percentage, so it sorts and sums as a number. */
export const PERCENT_FORMAT = "0.0%";

/**
 * Build a statistics workbook in memory. Unlike the streamed exports (losses, segments) a
 * statistics file holds at most a row per day, guide or store of one range, so it is small.
 *
 * @param sheets the sheets in order.
 * @returns the .xlsx bytes.
 */
export default async function statsWorkbook(sheets: StatsSheet[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  for (const sheet of sheets) {
    const worksheet = workbook.addWorksheet(sheet.name);
    worksheet.columns = sheet.columns.map((column) => ({ header: column.header, width: column.width, ...(column.numFmt ? { style: { numFmt: column.numFmt } } : {}) }));
    worksheet.getRow(1).font = { bold: true };
    for (const row of sheet.rows) {
      worksheet.addRow(row.map((cell) => cell ?? "—"));
    }
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/**
 * A file name from what people named things: characters file systems refuse become "_".
 *
 * @param parts the name's parts.
 * @returns the file name (with .xlsx).
 */
export function statsFileName(...parts: string[]): string {
  return `${parts.map((part) => part.replace(/[\\/:*?"<>|\s]+/g, "_")).join("-")}.xlsx`;
}

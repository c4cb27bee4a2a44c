import type { Writable } from "node:stream";
import ExcelJS from "exceljs";

/** Rows between checks of the client's pace: small enough to bound what waits in buffers. */
const ROWS_PER_CHECK = 200;

/** One column of an export: its header, width and, for numbers and times, Excel's format. */
export interface XlsxColumn {
  header: string;
  width: number;
  numFmt?: string;
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
 * Stream records into a one-sheet .xlsx. Each row is committed as it is written and the loop
 * waits whenever the client falls behind, so memory stays bounded however many records come;
 * it stops early (without finishing the file) when the output is destroyed, e.g. the download
 * was cancelled. The records' cursor is closed either way.
 *
 * @param props where the bytes go, the sheet's name and columns, the records and how each becomes a row.
 * @returns how many rows were written.
 */
export default async function xlsxStreamer<T>(props: {
  output: Writable;
  sheetName: string;
  columns: XlsxColumn[];
  records: AsyncIterable<T> & { close(): Promise<unknown> };
  toRow: (record: T) => unknown[];
}): Promise<number> {
  const { output, records } = props;
  // A late write after the client left must not become an unhandled 'error' event.
  output.on("error", () => undefined);
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: output, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet(props.sheetName);
  sheet.columns = props.columns.map((column) => ({ header: column.header, width: column.width, ...(column.numFmt ? { style: { numFmt: column.numFmt } } : {}) }));
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(1).commit();
  let rows = 0;
  try {
    for await (const record of records) {
      if (output.destroyed) {
        return rows;
      }
      sheet.addRow(props.toRow(record)).commit();
      rows += 1;
      if (rows % ROWS_PER_CHECK === 0 && output.writableNeedDrain) {
        await drained(output);
      }
    }
  } finally {
    await records.close();
  }
  if (output.destroyed) {
    return rows;
  }
  sheet.commit();
  await workbook.commit();
  return rows;
}

import type { PresentedCodeStatOverview, PresentedCodeStatRow, CodeStatFigures } from "../../presenters/channelCodeStats.ts";
import { codeStatsReport } from "./channelCodeStatsReport.ts";
import statsWorkbook, { PERCENT_FORMAT, type StatsSheet } from "../../commands/statsWorkbook.ts";
import type { XlsxColumn } from "../../commands/xlsxStreamer.ts";

const FIGURE_COLUMNS: XlsxColumn[] = [
  { header: "添加人数", width: 10 },
  { header: "客户删除", width: 10 },
  { header: "导购删除", width: 10 },
  { header: "净增", width: 8 },
  { header: "7日留存率", width: 11, numFmt: PERCENT_FORMAT },
  { header: "30日留存率", width: 11, numFmt: PERCENT_FORMAT },
];

const figures = (row: CodeStatFigures) => [row.adds, row.deletedByCustomer, row.deletedByGuide, row.net, row.retention7, row.retention30];

function sheetOf(name: string, keyHeader: string, rows: PresentedCodeStatRow[], totals: CodeStatFigures): StatsSheet {
  return {
    name,
    columns: [{ header: keyHeader, width: keyHeader === "日期" ? 12 : 18 }, ...FIGURE_COLUMNS],
    rows: [...rows.map((row) => [row.label, ...figures(row)]), ["合计", ...figures(totals)]],
  };
}

/**
 * One code's statistics as a workbook: by day, by guide and by store (names, not ids), each with a total row.
 *
 * @param props the code's report by day, and the same range's reports by guide and store.
 * @returns the .xlsx bytes.
 */
export async function codeStatsWorkbook(props: { code: { id: string; name: string }; from: string; to: string; now: Date }): Promise<Buffer> {
  const [byGuide, byStore] = await Promise.all([
    codeStatsReport({ ...props, groupBy: "guide" }),
    codeStatsReport({ ...props, groupBy: "store" }),
  ]);
  return statsWorkbook([
    sheetOf("按日", "日期", byGuide.byDay, byGuide.totals),
    sheetOf("按导购", "导购", byGuide.rows, byGuide.totals),
    sheetOf("按门店", "门店", byStore.rows, byStore.totals),
  ]);
}

/**
 * The overview across codes as a workbook: one row per code and a total.
 *
 * @param overview the overview's answer.
 * @returns the .xlsx bytes.
 */
export function codeOverviewWorkbook(overview: PresentedCodeStatOverview): Promise<Buffer> {
  return statsWorkbook([
    {
      name: "渠道活码汇总",
      columns: [{ header: "活码", width: 20 }, { header: "渠道", width: 12 }, ...FIGURE_COLUMNS],
      rows: [...overview.codes.map((code) => [code.name, code.channel, ...figures(code)]), ["合计", "", ...figures(overview.totals)]],
    },
  ]);
}

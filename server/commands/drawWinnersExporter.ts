import type { Writable } from "node:stream";
import { chinaWallClock } from "../domain/chinaTime.ts";
import { DrawWin, type StoredWin } from "../models/DrawWin.ts";
import { FULFILMENT_LABELS, PRIZE_KIND_LABELS } from "../presenters/labels.ts";
import { revealPhone } from "../security/personalData.ts";
import { cashStates } from "./drawCash.ts";
import { winnerNames, winnerQuery, type WinnerFilter } from "./drawReports.ts";
import xlsxStreamer, { type XlsxColumn } from "./xlsxStreamer.ts";

const COLUMNS: XlsxColumn[] = [
  { header: "中奖时间", width: 18, numFmt: "yyyy-mm-dd hh:mm" },
  { header: "奖品", width: 16 },
  { header: "类型", width: 10 },
  { header: "客户", width: 14 },
  { header: "收货人", width: 10 },
  { header: "手机号", width: 14 },
  { header: "地区", width: 18 },
  { header: "详细地址", width: 32 },
  { header: "状态", width: 10 },
  { header: "快递公司", width: 10 },
  { header: "快递单号", width: 18 },
  { header: "积分", width: 8 },
  { header: "金额(元)", width: 10, numFmt: "0.00" },
  { header: "核销码", width: 14 },
  { header: "中奖编号", width: 26 },
];

/**
 * Stream a draw's winners into an .xlsx for fulfilment. This is the one place the full phone
 * number leaves the database (decrypted per row, never logged): the route allows it to
 * operators and admins only, who ship the prizes.
 *
 * @param props which wins, the clock and the output (the HTTP response).
 * @returns how many rows were written.
 */
export default async function drawWinnersExporter({ filter, now, output }: { filter: WinnerFilter; now: Date; output: Writable }): Promise<number> {
  const query = winnerQuery(filter);
  // Names and cash states for the whole list up front: a draw's winners are bounded by its stock.
  const all = (await DrawWin.find(query, { externalUserId: 1, memberId: 1, kind: 1 }).lean()) as StoredWin[];
  const [names, cash] = await Promise.all([winnerNames(all), cashStates(all.filter((win) => win.kind === "cash").map((win) => win._id), now)]);
  return xlsxStreamer({
    output,
    sheetName: "中奖名单",
    columns: COLUMNS,
    records: DrawWin.find(query).sort({ wonAt: 1, _id: 1 }).lean().cursor({ batchSize: 500 }),
    toRow: (win) => [
      chinaWallClock(win.wonAt),
      win.prizeName,
      PRIZE_KIND_LABELS[win.kind],
      names.get(win._id) ?? "",
      win.address?.name ?? "",
      win.address ? revealPhone(win.address.phoneEncrypted) : "",
      win.address?.region ?? "",
      win.address?.detail ?? "",
      win.kind === "cash" ? (cash.get(win._id)?.stateLabel ?? "处理中") : FULFILMENT_LABELS[win.status],
      win.carrier ?? "",
      win.trackingNo ?? "",
      win.points ?? null,
      win.amountFen ? win.amountFen / 100 : null,
      win.redeemCode ?? "",
      win._id,
    ],
  });
}

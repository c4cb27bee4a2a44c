// How the draw pages write times and money.
const pad = (n: number) => String(n).padStart(2, "0");

/** An ISO time as China's wall clock, `YYYY-MM-DD HH:mm` (the console is used in China). */
export function when(iso: string): string {
  const at = new Date(new Date(iso).getTime() + 8 * 3_600_000);
  return `${at.getUTCFullYear()}-${pad(at.getUTCMonth() + 1)}-${pad(at.getUTCDate())} ${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}`;
}

/** Fen as 元 with two decimals. */
export const yuan = (fen: number | null | undefined) => (fen === null || fen === undefined ? "—" : `¥${(fen / 100).toFixed(2)}`);

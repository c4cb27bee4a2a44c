// Two ways of waiting written once: work over many items with a bound on how many run at once,
// and polling until something is true.
import { setTimeout as sleep } from "node:timers/promises";

/**
 * Run `task` over `items`, at most `limit` at a time.
 *
 * @param items what to work on.
 * @param limit how many tasks may be in flight at once.
 * @param task the work for one item (with its index).
 * @returns the tasks' results in the items' order.
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await task(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/**
 * Ask `condition` until it holds or the time is up.
 *
 * @param condition checked at once, then after every pause.
 * @param options how long to keep asking and the pause between two asks (100 ms).
 * @returns true when the condition held, false when the time ran out.
 */
export async function waitFor(condition: () => boolean | Promise<boolean>, options: { timeoutMs: number; intervalMs?: number }): Promise<boolean> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (await condition()) {
      return true;
    }
    if (Date.now() >= deadline) {
      return false;
    }
    await sleep(options.intervalMs ?? 100);
  }
}

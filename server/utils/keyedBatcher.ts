// Writes that many callers make to one document at once (a guide's day during a crowd of adds, the
// company's day under every fact) contend when each is a read-then-conditional-update: all but one
// fail and read again. In one process they are instead queued per key and handed to the writer as
// a batch while the previous batch is being written, so a key sees one write in flight and each
// write carries everything that arrived meanwhile. Other processes still meet the conditional update.

interface Waiter<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

/**
 * @param write writes one batch for a key; answers each item's result in the batch's order.
 * @returns submit(key, item): resolves with the item's result once the batch holding it is written.
 */
export function keyedBatcher<T, R>(write: (key: string, items: T[]) => Promise<R[]>): (key: string, item: T) => Promise<R> {
  const queues = new Map<string, Waiter<T, R>[]>();

  async function drain(key: string): Promise<void> {
    for (;;) {
      const batch = queues.get(key) ?? [];
      if (batch.length === 0) {
        queues.delete(key);
        return;
      }
      // Later submits start the next batch while this one is written.
      queues.set(key, []);
      try {
        const results = await write(
          key,
          batch.map((waiter) => waiter.item),
        );
        batch.forEach((waiter, index) => waiter.resolve(results[index] as R));
      } catch (error) {
        batch.forEach((waiter) => waiter.reject(error));
      }
    }
  }

  return (key, item) =>
    new Promise<R>((resolve, reject) => {
      const queue = queues.get(key);
      if (queue) {
        queue.push({ item, resolve, reject });
        return;
      }
      queues.set(key, [{ item, resolve, reject }]);
      void drain(key);
    });
}

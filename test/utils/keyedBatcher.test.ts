import assert from "node:assert/strict";
import { keyedBatcher } from "../../server/utils/keyedBatcher.ts";

describe("keyedBatcher", () => {
  it("should write one batch per key at a time, taking everything that arrived meanwhile, and answer each item", async () => {
    const writes: [string, number[]][] = [];
    let inFlight = 0;
    let most = 0;
    const submit = keyedBatcher<number, number>(async (key, items) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      writes.push([key, items]);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight -= 1;
      return items.map((item) => item * 10);
    });
    const answers = await Promise.all([1, 2, 3, 4].map((item) => submit("a", item)));
    assert.deepEqual(answers, [10, 20, 30, 40]);
    // The first item starts a write; the three that came while it was written go as one batch.
    assert.deepEqual(writes, [
      ["a", [1]],
      ["a", [2, 3, 4]],
    ]);
    assert.equal(most, 1, "one write in flight for a key");
    writes.length = 0;
    await Promise.all([submit("x", 1), submit("y", 2)]);
    assert.deepEqual(writes.map(([key]) => key).sort(), ["x", "y"], "keys do not wait on each other");
  });

  it("should reject every item of a failed batch and go on with the next", async () => {
    let calls = 0;
    const submit = keyedBatcher<string, string>(async (_key, items) => {
      calls += 1;
      if (calls === 1) {
        throw new Error("database down");
      }
      return items;
    });
    const first = submit("k", "a");
    const later = submit("k", "b");
    await assert.rejects(first, /database down/);
    assert.equal(await later, "b");
  });
});

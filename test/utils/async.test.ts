import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { mapLimit, waitFor } from "../../server/utils/async.ts";

describe("async helpers", () => {
  describe("mapLimit", () => {
    it("should keep at most the limit in flight and answer in the items' order", async () => {
      let running = 0;
      let most = 0;
      const results = await mapLimit([5, 1, 4, 2, 3], 2, async (item, index) => {
        running += 1;
        most = Math.max(most, running);
        await sleep(item);
        running -= 1;
        return `${index}:${item}`;
      });
      assert.equal(most, 2);
      assert.deepEqual(results, ["0:5", "1:1", "2:4", "3:2", "4:3"]);
    });

    it("should answer an empty list at once", async () => {
      assert.deepEqual(await mapLimit([], 4, async () => 1), []);
    });
  });

  describe("waitFor", () => {
    it("should answer true once the condition holds", async () => {
      let asked = 0;
      assert.equal(await waitFor(async () => (asked += 1) >= 3, { timeoutMs: 1000, intervalMs: 1 }), true);
      assert.equal(asked, 3);
    });

    it("should answer false when the time runs out", async () => {
      assert.equal(await waitFor(() => false, { timeoutMs: 20, intervalMs: 5 }), false);
    });
  });
});

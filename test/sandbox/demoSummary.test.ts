import assert from "node:assert/strict";
import { Member } from "../../server/models/Member.ts";
import { productCounts } from "../../server/sandbox/demo/product.ts";
import { resetDatabase } from "../support/hooks.ts";

describe("the demo's summary of the product", () => {
  beforeEach(resetDatabase);

  it("should count members by level name in the programme's order, not by level code", async () => {
    await Member.create([
      { memberNo: "M00000001", levelCode: "gold" },
      { memberNo: "M00000002", levelCode: "regular" },
      { memberNo: "M00000003", levelCode: "regular" },
    ]);
    const counts = await productCounts();
    assert.deepEqual(Object.entries(counts.levels), [
      ["普通会员", 2],
      ["金卡会员", 1],
    ]);
  });
});

import assert from "node:assert/strict";
import { pick, pickWeighted, seededRandom } from "../../server/utils/random.ts";

describe("seeded random", () => {
  it("should give the same sequence for the same seed, number or string", () => {
    const draw = (seed: number | string) => Array.from({ length: 5 }, seededRandom(seed));
    assert.deepEqual(draw(42), draw(42));
    assert.deepEqual(draw("wmCUSTOMER1"), draw("wmCUSTOMER1"));
    assert.notDeepEqual(draw("wmCUSTOMER1"), draw("wmCUSTOMER2"));
  });

  it("should keep mulberry32's numbers, so data planned before is planned again the same", () => {
    // The first draws for seed 1, as every earlier copy of the generator gave them.
    assert.deepEqual(Array.from({ length: 3 }, seededRandom(1)), [0.6270739405881613, 0.002735721180215478, 0.5274470399599522]);
    assert.ok(Array.from({ length: 1000 }, seededRandom("spread")).every((value) => value >= 0 && value < 1));
  });

  it("should pick by weight", () => {
    const random = seededRandom("weights");
    const picks = Array.from({ length: 2000 }, () => pickWeighted(random, [["often", 9], ["rarely", 1]] as const));
    const often = picks.filter((item) => item === "often").length;
    assert.ok(often > 1700 && often < 1900, `often: ${often}`);
    assert.equal(pick(() => 0.99, ["a", "b", "c"]), "c");
  });
});

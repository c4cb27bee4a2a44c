import assert from "node:assert/strict";
import { escapeRegex } from "../../server/domain/regex.ts";

describe("escapeRegex", () => {
  it("should match a person's words literally", () => {
    for (const words of ["a.b", "(VIP", "张*", "[金卡]", "50%+", "a\\b", "^$|?{}"]) {
      assert.ok(new RegExp(escapeRegex(words)).test(`前${words}后`), words);
      assert.equal(new RegExp(`^${escapeRegex(words)}$`).test(words.replace(/./, "x")), false, words);
    }
  });
});

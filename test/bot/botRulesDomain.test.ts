import assert from "node:assert/strict";
import { keywordMatches, normaliseText, pickKeywordRule, renderReply } from "../../server/domain/botRules.ts";

describe("bot rules (pure): matching, choosing one rule, rendering", () => {
  it("should fold spaces, the @-separator and latin case before matching", () => {
    assert.equal(normaliseText("  VIP\u2005 会员\u3000群 "), "vip 会员 群");
    assert.equal(keywordMatches({ keyword: "vip", match: "exact" }, " VIP "), true);
    assert.equal(keywordMatches({ keyword: "抽奖", match: "exact" }, "我要抽奖"), false);
    assert.equal(keywordMatches({ keyword: "抽奖", match: "contains" }, "我要抽奖"), true);
    assert.equal(keywordMatches({ keyword: " ", match: "contains" }, "随便说点什么"), false, "an empty keyword matches nothing");
  });

  it("should answer with one rule: exact before contains, group before funnel before all, then the longer keyword", () => {
    const rules = [
      { id: "all-contains", keyword: "抽奖", match: "contains", scope: "all" },
      { id: "funnel-exact", keyword: "抽奖", match: "exact", scope: "funnel" },
      { id: "group-exact", keyword: "抽奖", match: "exact", scope: "groups" },
      { id: "all-longer", keyword: "圣诞抽奖", match: "contains", scope: "all" },
    ] as const;
    assert.equal(pickKeywordRule([...rules], "抽奖")?.id, "group-exact");
    assert.equal(pickKeywordRule([rules[0], rules[1]], "抽奖")?.id, "funnel-exact");
    assert.equal(pickKeywordRule([rules[0], rules[3]], "参加圣诞抽奖")?.id, "all-longer");
    assert.equal(pickKeywordRule([...rules], "你好"), null);
  });

  it("should place the link at {链接} or on its own last line, and names at {昵称}", () => {
    assert.equal(renderReply("点这里抽奖：{链接}", { link: "https://x/draw/a", names: [] }), "点这里抽奖：https://x/draw/a");
    assert.equal(renderReply("欢迎 {昵称}！", { link: "https://x/g/b", names: ["甲", "乙"] }), "欢迎 甲、乙！\nhttps://x/g/b");
    assert.equal(renderReply("", { link: "https://x/draw/a", names: [] }), "https://x/draw/a");
    assert.equal(renderReply("没有链接{链接}", { link: null, names: [] }), "没有链接");
  });
});

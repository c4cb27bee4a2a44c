import assert from "node:assert/strict";
import { DEFAULT_TASK_RULES, type TaskRules } from "../../server/domain/taskRules.ts";
import { TaskSettings } from "../../server/models/TaskSettings.ts";
import type { PresentedTaskRules } from "../../server/presenters/taskRules.ts";
import { useTestServer } from "../support/server.ts";
import { loginAs, type SessionClient } from "../support/sessions.ts";

const AT = new Date("2026-03-01T02:00:00Z");

const rulesWith = (change: (rules: TaskRules) => void): TaskRules => {
  const rules = structuredClone(DEFAULT_TASK_RULES);
  change(rules);
  return rules;
};

describe("task rules console API (任务规则)", () => {
  const context = useTestServer({ now: () => AT });
  let operator: SessionClient;
  let manager: SessionClient;

  beforeEach(async () => {
    operator = await loginAs(context.server, { userId: "ops", role: "operator" });
    manager = await loginAs(context.server, { userId: "mgr", role: "manager", scopeStoreIds: ["101"] });
  });

  it("should give the defaults before any save, each kind with its variables and a filled preview", async () => {
    const { status, body } = await manager.get("/api/console/task-rules");
    assert.equal(status, 200);
    const data = body.data as PresentedTaskRules;
    assert.equal(data.version, 0);
    assert.deepEqual(data.rules, DEFAULT_TASK_RULES);
    assert.deepEqual(
      data.kinds.map((kind) => kind.label),
      ["新客问候", "生日关怀", "升级祝贺", "权益即将过期", "复购提醒", "沉默召回"],
    );
    const benefit = data.kinds.find((kind) => kind.kind === "benefitExpiring");
    assert.ok(benefit?.variables.some((variable) => variable.token === "{权益名称}"));
    assert.ok(!data.kinds.find((kind) => kind.kind === "greeting")?.variables.some((variable) => variable.token === "{权益名称}"));
    // The sample member is ¥380 short of the next level of the default programme.
    assert.equal(data.sample["{还差金额}"], "¥380");
    assert.equal(data.sample["{下一等级}"], "金卡会员");
    assert.equal(data.repurchaseWindowDays, 90);
  });

  it("should save a new version and answer with it, who saved it by name", async () => {
    const rules = rulesWith((draft) => {
      draft.birthday.daysAhead = 7;
      draft.silent.afterDays = 120;
      draft.greeting.enabled = false;
    });
    const { status, body } = await operator.send("PUT", "/api/console/task-rules", rules);
    assert.equal(status, 200, JSON.stringify(body));
    const data = body.data as PresentedTaskRules;
    assert.equal(data.version, 1);
    assert.equal(data.rules.birthday.daysAhead, 7);
    assert.equal(data.rules.silent.afterDays, 120);
    assert.equal(data.rules.greeting.enabled, false);
    const again = await manager.get("/api/console/task-rules");
    assert.equal((again.body.data as PresentedTaskRules).version, 1);
  });

  const refusals: [string, (rules: TaskRules) => void, string][] = [
    ["a template with an unknown variable", (rules) => (rules.birthday.template = "{客户昵称}生日快乐，送您{优惠券}"), "birthday.template: 没有变量 {优惠券}，可用的变量：{客户昵称} {导购姓名} {会员等级} {下一等级} {还差金额} {生日}"],
    ["a variable another kind has", (rules) => (rules.greeting.template = "您好，您的{权益名称}快过期了"), "greeting.template: 变量 {权益名称} 不能用于新客问候"],
    ["a window of 0 days", (rules) => (rules.benefitExpiring.daysAhead = 0), "benefitExpiring.daysAhead: 过期前天数应为 1 到 60 之间的整数"],
    ["a window of 10,000 days", (rules) => (rules.silent.afterDays = 10_000), "silent.afterDays: 未购天数应为 1 到 730 之间的整数"],
    ["a greeting within 0 hours", (rules) => (rules.greeting.withinHours = 0), "greeting.withinHours: 问候时限（小时）应为 1 到 72 之间的整数"],
    ["a due time of 25:00", (rules) => (rules.repurchaseDue.dueTime = "25:00"), "repurchaseDue.dueTime: 截止时间应为 00:00 到 23:59 之间，如 10:00"],
    ["an empty template", (rules) => (rules.levelUp.template = "  "), "levelUp.template: 请填写话术模板"],
  ];
  for (const [what, change, message] of refusals) {
    it(`should refuse ${what} at the field, saving nothing`, async () => {
      const { status, body } = await operator.send("PUT", "/api/console/task-rules", rulesWith(change));
      assert.equal(status, 400);
      assert.equal(body.message, message);
      assert.equal(await TaskSettings.countDocuments(), 0);
    });
  }

  it("should let a manager read but not save", async () => {
    const { status } = await manager.send("PUT", "/api/console/task-rules", DEFAULT_TASK_RULES);
    assert.equal(status, 403);
    assert.equal(await TaskSettings.countDocuments(), 0);
  });
});

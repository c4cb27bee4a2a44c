import assert from "node:assert/strict";
import { Employee } from "../../server/models/Employee.ts";
import { Group } from "../../server/models/Group.ts";
import { Segment } from "../../server/models/Segment.ts";
import { bootstrapAdminPage, byTest, useBrowser } from "../support/browser.ts";
import { API_TOKEN } from "../support/server.ts";


describe("the console's pickers in a browser", function () {
  this.timeout(90_000);
  const suite = useBrowser();

  it("should let an operator pick a customer group by its name in the segment form, keeping its chat_id", async () => {
    await Employee.create({ userId: "zhengshuang", name: "郑爽", departmentIds: [101], role: "guide" });
    await Group.create([
      { chatId: "wrVIP001", name: "静安店VIP群", ownerId: "zhengshuang", status: "active", members: [] },
      { chatId: "wrNEW002", name: "新客福利群", ownerId: "zhengshuang", status: "active", members: [] },
    ]);
    const page = await bootstrapAdminPage(suite, { token: API_TOKEN });
    await byTest(page, "nav-segments").click();
    await byTest(page, "segment-create").click();
    await byTest(page, "segment-name").fill("VIP 群成员");
    await byTest(page, "segment-groups").click();
    const option = page.locator('[data-test="segment-groups-option"]', { hasText: "静安店VIP群" });
    await option.waitFor();
    assert.match(await option.innerText(), /群主 郑爽/);
    assert.doesNotMatch(await page.locator(".el-select-dropdown:visible").innerText(), /wrVIP001|wrNEW002/, "no chat_id to read");
    await option.click();
    await page.locator(".el-dialog__title").first().click();
    assert.match(await byTest(page, "segment-groups").innerText(), /静安店VIP群/);
    await byTest(page, "segment-save").click();
    await byTest(page, "segment-dialog").waitFor({ state: "hidden" });
    assert.deepEqual((await Segment.findOne({}).lean())?.rule, { groups: ["wrVIP001"] });
    suite.assertCleanRun();
  });
});

import assert from "node:assert/strict";
import { firstAdminOpen, provisionDevEmployee, provisionFirstAdmin } from "../../server/commands/adminProvisioner.ts";
import { Employee } from "../../server/models/Employee.ts";
import { resetDatabase } from "../support/hooks.ts";
import { anEmployee } from "../support/factories.ts";

describe("adminProvisioner (the first admin, once)", () => {
  beforeEach(resetDatabase);

  it("should make exactly one of 20 concurrent callers the first admin, and then be closed", async () => {
    assert.equal(await firstAdminOpen(), true);
    const won = await Promise.all(Array.from({ length: 20 }, (_, index) => provisionFirstAdmin({ userId: `u${index}` })));
    assert.equal(won.filter(Boolean).length, 1);
    assert.equal(await Employee.countDocuments({ role: "admin" }), 1);
    assert.equal(await firstAdminOpen(), false);
    assert.equal(await provisionFirstAdmin({ userId: "late" }), false);
  });

  it("should keep an existing employee's role on a development login, refuse one who left, and start newcomers as guides once an admin exists", async () => {
    await anEmployee("boss", { role: "admin" });
    await anEmployee("ops", { role: "operator" });
    await Employee.updateOne({ userId: "gone" }, { $set: { deleted: true, name: "gone" } }, { upsert: true });
    assert.equal(await provisionDevEmployee("ops"), "operator");
    assert.equal(await provisionDevEmployee("gone"), null);
    assert.equal(await provisionDevEmployee("newcomer"), "guide");
    assert.equal((await Employee.findOne({ userId: "newcomer" }).lean())?.role, "guide");
  });
});

import assert from "node:assert/strict";
import { DEFAULT_PROGRAM } from "../../server/domain/program.ts";
import { consoleSend, useTestServer } from "../support/server.ts";

describe("a refusal names every bad field at once", () => {
  const context = useTestServer();

  it("should list each field's refusal in `errors`, the first also as `message`, and save nothing", async () => {
    const program = structuredClone(DEFAULT_PROGRAM);
    const bad = { ...program, growth: { ...program.growth, perTask: 20_000 }, points: { ...program.points, expiryMonths: -5 } };
    const answer = await consoleSend(context.server, "PUT", "/api/console/program", bad);
    assert.equal(answer.status, 400);
    const body = answer.body as { message: string; errors?: string[] };
    assert.equal(body.errors?.length, 2);
    assert.equal(body.errors?.[0], body.message);
    assert.deepEqual(body.errors?.map((line) => line.split(":")[0]).sort(), ["growth.perTask", "points.expiryMonths"]);
  });

  it("should keep one refusal as `message` alone", async () => {
    const program = structuredClone(DEFAULT_PROGRAM);
    const answer = await consoleSend(context.server, "PUT", "/api/console/program", { ...program, points: { ...program.points, expiryMonths: -5 } });
    assert.equal(answer.status, 400);
    assert.match((answer.body as { message: string }).message, /^points\.expiryMonths: /);
    assert.equal((answer.body as { errors?: unknown }).errors, undefined);
  });
});

import type Router from "@koa/router";
import { createRouter } from "../router.ts";
import { actorOf } from "../../middlewares/authenticate.ts";
import { z } from "zod";
import programSaver, { currentProgram } from "../../commands/programStore.ts";
import { ProgramSaveSchema } from "../../domain/program.ts";
import { inputOf, validate } from "../../middlewares/validate.ts";
import { Employee } from "../../models/Employee.ts";
import { ProgramSettings } from "../../models/ProgramSettings.ts";
import { presentProgramVersion, type Program } from "../../presenters/program.ts";

// Saving holds every setting to LIMITS; reading back (currentProgram) accepts older versions.
const ProgramPutSchema = z.object({ body: ProgramSaveSchema });

/**
 * The membership program: read the one in force, save a new version, list the history.
 *
 * @param options the clock.
 * @returns the router (mounted under /api/console).
 */
export function programRouter(options: { now: () => Date }): Router {
  const router = createRouter();
  router.get("/program", async (ctx) => {
    ctx.body = { data: await currentProgram() };
  });
  router.put("/program", validate(ProgramPutSchema), async (ctx) => {
    const { body } = inputOf(ctx, ProgramPutSchema);
    const by = actorOf(ctx).userId ?? "api_token";
    const version = await programSaver({ program: body, savedBy: by, now: options.now() });
    ctx.body = { data: { version, program: body } };
  });
  router.get("/program/history", async (ctx) => {
    const versions = await ProgramSettings.find().sort({ _id: -1 }).limit(100).lean();
    const savers = [...new Set(versions.flatMap((version) => (version.savedBy ? [version.savedBy] : [])))];
    const employees = await Employee.find({ userId: { $in: savers } }, { userId: 1, name: 1 }).lean();
    const names = new Map(employees.map((employee) => [employee.userId, employee.name]));
    // Stored as saved (older versions too): the history shows them as they were.
    ctx.body = { data: versions.map((version) => presentProgramVersion(version, version.program as Program, names)) };
  });
  return router;
}

import { PassThrough } from "node:stream";
import { actorOf } from "../../middlewares/authenticate.ts";
import type Router from "@koa/router";
import { createRouter } from "../router.ts";
import { currentProgram } from "../../commands/programStore.ts";
import segmentCounter, { segmentRecounter, storedSegmentRule } from "../../commands/segmentCounter.ts";
import segmentExporter from "../../commands/segmentExporter.ts";
import type { Program } from "../../domain/program.ts";
import { compileSegmentFilter, segmentRuleProblem, type SegmentRule } from "../../domain/segmentRule.ts";
import { ConflictError, NotFoundError, ValidationError } from "../../errors.ts";
import type { Logger } from "../../logging/logger.ts";
import { inputOf, validate } from "../../middlewares/validate.ts";
import { Member } from "../../models/Member.ts";
import { Segment } from "../../models/Segment.ts";
import { presentDeletion } from "../../presenters/deletion.ts";
import { presentMember } from "../../presenters/member.ts";
import { presentSegment, presentSegmentCount, type StoredSegment } from "../../presenters/segment.ts";
import {
  SegmentCreateSchema,
  SegmentInfoSchema,
  SegmentListSchema,
  SegmentMembersSchema,
  SegmentPreviewSchema,
  SegmentUpdateSchema,
} from "./segmentsSchema.ts";
import { isDuplicateKeyError } from "../../db/duplicates.ts";
import { chinaDate } from "../../domain/chinaTime.ts";
import { escapeRegex } from "../../domain/regex.ts";

/** Level codes are checked against the program in force, which the schema cannot see. */
function checkLevels(rule: SegmentRule, program: Program, prefix: string): void {
  const problem = segmentRuleProblem(rule, program);
  if (problem) {
    throw ValidationError(`${prefix}${problem}`);
  }
}

/** The unique index decides, so two operators saving the same name at once get one 409. */
async function uniqueName<T>(name: string, save: () => Promise<T>): Promise<T> {
  try {
    return await save();
  } catch (error) {
    if (isDuplicateKeyError(error)) {
      throw ConflictError(`name: 已存在名为「${name}」的人群，请换一个名称`);
    }
    throw error;
  }
}

async function segmentById(id: string): Promise<StoredSegment> {
  const segment = await Segment.findById(id).lean<StoredSegment>();
  if (!segment) {
    throw NotFoundError("segment");
  }
  return segment;
}

/** `人群-<name>-<YYYY-MM-DD>.xlsx`, with characters no file system accepts replaced. */
function exportFilename(name: string, now: Date): string {
  const date = chinaDate(now);
  // eslint-disable-next-line no-control-regex
  return `人群-${name.replace(/[\\/:*?"<>|\u0000-\u001f]/g, "_")}-${date}.xlsx`;
}

/**
 * Segments (人群): live preview while building a rule, saved segments, their members and the
 * Excel export.
 *
 * @param options the clock.
 * @returns the router (mounted under /api/console).
 */
export function segmentsRouter(options: { now: () => Date }): Router {
  const router = createRouter();

  router.post("/segments/preview", validate(SegmentPreviewSchema), async (ctx) => {
    const { body: rule } = inputOf(ctx, SegmentPreviewSchema);
    const { program } = await currentProgram();
    checkLevels(rule, program, "");
    ctx.body = { data: presentSegmentCount(await segmentCounter({ rule, program, now: options.now() })) };
  });

  router.post("/segments", validate(SegmentCreateSchema), async (ctx) => {
    const { body } = inputOf(ctx, SegmentCreateSchema);
    const { program } = await currentProgram();
    checkLevels(body.rule, program, "rule.");
    const now = options.now();
    const lastCount = await segmentCounter({ rule: body.rule, program, now });
    const created = await uniqueName(body.name, () => Segment.create({ ...body, createdBy: (actorOf(ctx).userId ?? "api_token"), lastCount, lastCountedAt: now }));
    ctx.status = 201;
    ctx.body = { data: presentSegment(created.toObject() as StoredSegment) };
  });

  router.get("/segments", validate(SegmentListSchema), async (ctx) => {
    const { query } = inputOf(ctx, SegmentListSchema);
    const filter = query.q ? { name: { $regex: escapeRegex(query.q), $options: "i" } } : {};
    const [segments, total] = await Promise.all([
      Segment.find(filter)
        .sort({ updatedAt: -1, _id: -1 })
        .skip((query.page - 1) * query.pageSize)
        .limit(query.pageSize)
        .lean<StoredSegment[]>(),
      Segment.countDocuments(filter),
    ]);
    ctx.body = { data: segments.map(presentSegment), pagination: { page: query.page, pageSize: query.pageSize, total } };
  });

  router.get("/segments/:id", validate(SegmentInfoSchema), async (ctx) => {
    const { params } = inputOf(ctx, SegmentInfoSchema);
    const segment = await segmentById(params.id);
    const { program } = await currentProgram();
    const now = options.now();
    const count = await segmentRecounter({ segmentId: segment._id, rule: storedSegmentRule(segment.rule), program, now });
    ctx.body = { data: presentSegment({ ...segment, lastCount: count, lastCountedAt: now }) };
  });

  router.put("/segments/:id", validate(SegmentUpdateSchema), async (ctx) => {
    const { params, body } = inputOf(ctx, SegmentUpdateSchema);
    const { program } = await currentProgram();
    checkLevels(body.rule, program, "rule.");
    const now = options.now();
    const lastCount = await segmentCounter({ rule: body.rule, program, now });
    const updated = await uniqueName(body.name, () =>
      Segment.findByIdAndUpdate(params.id, { $set: { ...body, lastCount, lastCountedAt: now } }, { returnDocument: "after" }).lean<StoredSegment>(),
    );
    if (!updated) {
      throw NotFoundError("segment");
    }
    ctx.body = { data: presentSegment(updated) };
  });

  router.delete("/segments/:id", validate(SegmentInfoSchema), async (ctx) => {
    const { params } = inputOf(ctx, SegmentInfoSchema);
    const { deletedCount } = await Segment.deleteOne({ _id: params.id });
    if (deletedCount === 0) {
      throw NotFoundError("segment");
    }
    ctx.body = { data: presentDeletion(params.id) };
  });

  router.get("/segments/:id/members", validate(SegmentMembersSchema), async (ctx) => {
    const { params, query } = inputOf(ctx, SegmentMembersSchema);
    const segment = await segmentById(params.id);
    const { program } = await currentProgram();
    const now = options.now();
    const filter = compileSegmentFilter(storedSegmentRule(segment.rule), program, now);
    const [members, total] = await Promise.all([
      Member.find(filter)
        .sort({ _id: 1 })
        .skip((query.page - 1) * query.pageSize)
        .limit(query.pageSize)
        .lean(),
      Member.countDocuments(filter),
    ]);
    ctx.body = {
      data: members.map((member) => presentMember(member, program, now)),
      pagination: { page: query.page, pageSize: query.pageSize, total },
    };
  });

  router.get("/segments/:id/export", validate(SegmentInfoSchema), async (ctx) => {
    const { params } = inputOf(ctx, SegmentInfoSchema);
    const segment = await segmentById(params.id);
    const { program } = await currentProgram();
    const now = options.now();
    // Everything that can fail with a proper status fails before the first byte is sent.
    const filter = compileSegmentFilter(storedSegmentRule(segment.rule), program, now);
    const output = new PassThrough();
    // Koa's attachment() writes both filename= (ASCII fallback) and filename*=UTF-8'' (RFC 5987)
    // and sets the .xlsx content type.
    ctx.attachment(exportFilename(segment.name, now));
    ctx.body = output;
    const log = ctx.state.log as Logger | undefined;
    segmentExporter({ filter, program, output }).catch((error: unknown) => {
      log?.error({ err: error, segmentId: params.id }, "segment export failed");
      output.destroy(error instanceof Error ? error : new Error(String(error)));
    });
  });

  return router;
}

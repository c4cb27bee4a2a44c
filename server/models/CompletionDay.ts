import mongoose, { type InferSchemaType } from "mongoose";

export const COMPLETION_LEVELS = ["guide", "store", "region", "all"] as const;
export type CompletionLevel = (typeof COMPLETION_LEVELS)[number];

/**
 * The completion counters of one day at one level a view reads, `_id` `<level>:<id>:<day>`
 * (`guide:<userId>:2026-12-05`, `store:<departmentId>:…`, `region:<departmentId>:…`, `all:all:…`).
 * `figures` holds the counters (domain/tasks.ts COMPLETION_COUNTERS). A guide's day is moved by
 * keyed updates (`keys`: every fact counted once); each level above keeps in `children` the last
 * snapshot of every child it has seen with the child's `version`, and moves its own figures by the
 * difference in the same conditional update, so a view reads one document per day and level and
 * sees its children's figures inside it. Maintained only by server/commands/completionRollup.ts.
 */
const completionDaySchema = new mongoose.Schema(
  {
    _id: { type: String, required: true },
    level: { type: String, required: true },
    /** userId, store or region department id, or "all". */
    ownerId: { type: String, required: true },
    day: { type: String, required: true },
    storeId: { type: String, default: null },
    regionId: { type: String, default: null },
    figures: { type: mongoose.Schema.Types.Mixed, default: {} },
    /** Counts up on every change: the level above takes a snapshot only when it is newer. */
    version: { type: Number, default: 0 },
    /** A stamp set at insert: a cached copy of a day deleted and made again is told apart by it. */
    born: { type: String, default: null },
    /** Facts counted into a guide's day (guide level only). */
    keys: { type: [String], default: [] },
    /** Above the guide level: child key → { f: figures packed (domain/completionSnapshots.ts), v: version }. */
    children: { type: mongoose.Schema.Types.Mixed, default: {} },
  },
  { collection: "completion_days", versionKey: false, minimize: false },
);

// Every write is conditional on the version read: `{ _id, version }` as a unique key is what lets
// the embedded database answer that filter by index instead of scanning the collection (production
// MongoDB would use _id alone). The sweep reads a day's documents of one level.
completionDaySchema.index({ _id: 1, version: 1 }, { unique: true });
completionDaySchema.index({ day: 1, level: 1 });

export type CompletionDayAttrs = InferSchemaType<typeof completionDaySchema> & { _id: string };
export const CompletionDay = mongoose.model("CompletionDay", completionDaySchema);

/**
 * @param level guide, store, region or all.
 * @param ownerId the guide's userId, the store's or region's department id, or "all".
 * @param day China day YYYY-MM-DD.
 * @returns the document's _id.
 */
export const completionDayId = (level: CompletionLevel, ownerId: string, day: string): string => `${level}:${ownerId}:${day}`;

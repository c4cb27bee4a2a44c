import crypto from "node:crypto";
import mongoose, { type InferSchemaType } from "mongoose";

export const DRAW_RECORD_STATES = ["drawing", "done"] as const;

/**
 * One draw taken (`_id` from draw + participant + request id): inserted BEFORE anything is
 * decided, so a retried request with the same id finds it and answers the same outcome, and two
 * concurrent requests with one id cannot both draw.
 */
const drawRecordSchema = new mongoose.Schema(
  {
    _id: { type: String, required: true },
    drawId: { type: mongoose.Schema.Types.ObjectId, required: true },
    participantKey: { type: String, required: true },
    requestId: { type: String, required: true },
    state: { type: String, enum: DRAW_RECORD_STATES, default: "drawing" },
    /** The prize won; null for "thanks for taking part". */
    prizeId: { type: String, default: null },
    winId: { type: String, default: null },
    /** Why a picked prize became "thanks": sold_out, budget, max_wins (for the audit and stats). */
    missReason: { type: String, default: null },
    at: { type: Date, required: true },
  },
  { collection: "draw_records", versionKey: false },
);

drawRecordSchema.index({ drawId: 1, at: -1 });

export type DrawRecordAttrs = InferSchemaType<typeof drawRecordSchema>;
export const DrawRecord = mongoose.model("DrawRecord", drawRecordSchema);

/**
 * The record's key. Hashed so that neither an openid nor an unbounded request id ends up in an
 * _id, and so the key has a fixed length.
 *
 * @param drawId the draw.
 * @param participantKey the participant.
 * @param requestId the client's request id.
 * @returns the record _id.
 */
export function drawRecordId(drawId: string, participantKey: string, requestId: string): string {
  return `${drawId}:${crypto.createHash("sha256").update(`${participantKey}\n${requestId}`).digest("hex").slice(0, 32)}`;
}

/**
 * A win's id follows from its record: a draw that died between writing the two finds the same win.
 *
 * @param recordId the draw record's _id.
 * @returns the win id (24 hex characters).
 */
export function winIdOf(recordId: string): string {
  return crypto.createHash("sha256").update(`win\n${recordId}`).digest("hex").slice(0, 24);
}

import mongoose, { type InferSchemaType, type HydratedDocument } from "mongoose";

/** A group join way's QR code stops working this long after it was created. */
export const SANDBOX_JOIN_WAY_QR_TTL_MS = 7 * 24 * 3600 * 1000;

/** A 加入群聊 join way (wecom-reference §4.7 add_join_way). */
const sandboxJoinWaySchema = new mongoose.Schema(
  {
    /** = config_id. */
    _id: { type: String, default: function (this: { config_id: string }) { return this.config_id; } },
    config_id: { type: String, required: true, unique: true },
    /** 1 mini-program, 2 QR code. */
    scene: { type: Number, required: true },
    remark: { type: String, default: "" },
    auto_create_room: { type: Number, default: 1 },
    room_base_name: { type: String, default: "" },
    room_base_id: { type: Number, default: 1 },
    chat_id_list: { type: [String], default: [] },
    state: { type: String, default: "" },
    qr_code: { type: String, default: "" },
    created_at: { type: Date, required: true },
  },
  { collection: "sandbox_join_ways", versionKey: false },
);

export type SandboxJoinWayAttrs = InferSchemaType<typeof sandboxJoinWaySchema>;
export type SandboxJoinWayDoc = HydratedDocument<SandboxJoinWayAttrs>;
export const SandboxJoinWay = mongoose.model("SandboxJoinWay", sandboxJoinWaySchema);

/**
 * Whether a join way's QR has expired (7 days after creation); scanning it must then fail.
 *
 * @param way the join way.
 * @param now the clock.
 * @returns true once the QR can no longer be scanned.
 */
export function sandboxJoinWayQrExpired(way: { created_at: Date }, now: Date): boolean {
  return now.getTime() >= way.created_at.getTime() + SANDBOX_JOIN_WAY_QR_TTL_MS;
}

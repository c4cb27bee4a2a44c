import { z } from "zod";
import { newConfigId, SandboxContactWay, SandboxDepartment, unix } from "../../models/index.ts";
import type { SandboxContactWayAttrs } from "../../models/SandboxContactWay.ts";
import { endpoint, ERR, page, wecomError, type Endpoint } from "../endpoint.ts";
import { qrUrl } from "../qr.ts";
import { requireUser } from "./shared.ts";

const DAY_SECONDS = 24 * 3600;

const editable = {
  style: z.number().int().min(0).optional(),
  remark: z.string().max(30).optional(),
  skip_verify: z.boolean().optional(),
  // §4.4: state ≤ 30 characters; it comes back as the event's State and follow_user.state.
  state: z.string().max(30).optional(),
  user: z.array(z.string()).optional(),
  party: z.array(z.number().int()).optional(),
  expires_in: z.number().int().min(1).max(14 * DAY_SECONDS).optional(),
  chat_expires_in: z.number().int().min(1).max(14 * DAY_SECONDS).optional(),
  unionid: z.string().optional(),
  conclusions: z.unknown().optional(),
};

/** 「联系我」 contact ways (wecom-reference §4.4); scene 2 answers a QR the stand-in serves itself. */
export const contactWayEndpoints: Endpoint[] = [
  endpoint({
    method: "POST",
    path: "/cgi-bin/externalcontact/add_contact_way",
    token: "any",
    input: z.object({
      type: z.union([z.literal(1), z.literal(2)]),
      scene: z.union([z.literal(1), z.literal(2)]),
      is_temp: z.boolean().optional(),
      ...editable,
    }),
    async handle(input, { now, baseUrl }) {
      const user = input.user ?? [];
      const party = input.party ?? [];
      await checkMembers(input.type, user, party);
      const configId = newConfigId();
      const qrCode = input.scene === 2 ? qrUrl(baseUrl, "contact_way", configId) : "";
      await SandboxContactWay.create({
        config_id: configId,
        type: input.type,
        scene: input.scene,
        style: input.style ?? 0,
        remark: input.remark ?? "",
        skip_verify: input.skip_verify ?? true,
        state: input.state ?? "",
        user,
        party,
        is_temp: input.is_temp ?? false,
        expires_in: input.is_temp ? (input.expires_in ?? 7 * DAY_SECONDS) : 0,
        chat_expires_in: input.is_temp ? (input.chat_expires_in ?? DAY_SECONDS) : 0,
        unionid: input.unionid ?? "",
        qr_code: qrCode,
        created_at: now,
      });
      return { config_id: configId, ...(qrCode ? { qr_code: qrCode } : {}) };
    },
  }),

  endpoint({
    method: "POST",
    path: "/cgi-bin/externalcontact/get_contact_way",
    token: "any",
    input: z.object({ config_id: z.string() }),
    async handle({ config_id: configId }, { baseUrl }) {
      const way = await requireWay(configId);
      return { contact_way: presentWay(way, baseUrl) };
    },
  }),

  endpoint({
    method: "POST",
    path: "/cgi-bin/externalcontact/list_contact_way",
    token: "any",
    input: z.object({
      start_time: z.number().int().optional(),
      end_time: z.number().int().optional(),
      cursor: z.string().optional(),
      limit: z.number().int().min(1).max(1000).optional(),
    }),
    async handle(input, { now }) {
      // §4.4: defaults are the last 90 days.
      const end = input.end_time ?? unix(now);
      const start = input.start_time ?? end - 90 * DAY_SECONDS;
      const ways = await SandboxContactWay.find({}).sort({ created_at: 1, _id: 1 }).lean();
      const inRange = ways.filter((way) => {
        const created = unix(way.created_at);
        return created >= start && created <= end;
      });
      const { items, next_cursor } = page(inRange, input.cursor, input.limit ?? 100);
      return { contact_way: items.map((way) => ({ config_id: way.config_id })), next_cursor };
    },
  }),

  endpoint({
    method: "POST",
    path: "/cgi-bin/externalcontact/update_contact_way",
    token: "any",
    input: z.object({ config_id: z.string(), ...editable }),
    async handle({ config_id: configId, ...changes }) {
      const way = await requireWay(configId);
      // Lists replace (§4.4); omitted fields stay.
      await checkMembers(way.type, changes.user ?? way.user, changes.party ?? way.party);
      const set = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
      await SandboxContactWay.updateOne({ _id: configId }, { $set: set });
      return {};
    },
  }),

  endpoint({
    method: "POST",
    path: "/cgi-bin/externalcontact/del_contact_way",
    token: "any",
    input: z.object({ config_id: z.string() }),
    async handle({ config_id: configId }) {
      await requireWay(configId);
      await SandboxContactWay.deleteOne({ _id: configId });
      return {};
    },
  }),
];

async function requireWay(configId: string): Promise<SandboxContactWayAttrs> {
  const way = await SandboxContactWay.findById(configId).lean();
  if (!way) {
    throw wecomError(ERR.INVALID_CONFIG_ID, `invalid config_id: ${configId}`);
  }
  return way;
}

// §4.4: type 1 takes exactly one member; type 2 takes members and/or departments.
async function checkMembers(type: number, user: string[], party: number[]): Promise<void> {
  if (type === 1 && (user.length !== 1 || party.length > 0)) {
    throw wecomError(ERR.INVALID_PARAMETER, "invalid parameter: type 1 takes exactly one user and no party");
  }
  if (user.length === 0 && party.length === 0) {
    throw wecomError(ERR.INVALID_PARAMETER, "invalid parameter: user and party are both empty");
  }
  for (const userid of user) {
    await requireUser(userid);
  }
  for (const id of party) {
    if (!(await SandboxDepartment.exists({ _id: id }))) {
      throw wecomError(ERR.INVALID_PARTY_ID, `invalid party id: ${id}`);
    }
  }
}

function presentWay(way: SandboxContactWayAttrs, baseUrl: string): Record<string, unknown> {
  return {
    config_id: way.config_id,
    type: way.type,
    scene: way.scene,
    style: way.style,
    remark: way.remark,
    skip_verify: way.skip_verify,
    state: way.state,
    // Answered with the stand-in's current address, so a restart on another port keeps it working.
    ...(way.scene === 2 ? { qr_code: qrUrl(baseUrl, "contact_way", way.config_id) } : {}),
    user: way.user,
    party: way.party,
    is_temp: way.is_temp,
    expires_in: way.expires_in,
    chat_expires_in: way.chat_expires_in,
    unionid: way.unionid,
    conclusions: {},
  };
}

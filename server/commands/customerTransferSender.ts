import { WeComApiError } from "../errors.ts";
import { CustomerTransfer, type CustomerTransferAttrs, type TransferKind } from "../models/CustomerTransfer.ts";
import type { WeComClient } from "../wecom/client.ts";
import { markUnassigned } from "./customerTransferMover.ts";
import { ALREADY_TRANSFERRING_ERRCODES, TAKEOVER_FULL_ERRCODE, transferRefusalReason } from "../domain/transferOutcomes.ts";

/** WeCom's most customers per transfer call (wecom-reference §4.11). */
export const TRANSFER_CHUNK = 100;

export interface TransferPair {
  kind: TransferKind;
  handoverUserId: string;
  takeoverUserId: string;
}

interface TransferAnswer {
  customer?: { external_userid: string; errcode: number }[];
}

const PATHS: Record<TransferKind, string> = {
  resigned: "/cgi-bin/externalcontact/resigned/transfer_customer",
  onjob: "/cgi-bin/externalcontact/transfer_customer",
};

// WeCom busy or over a limit after the client's own retries: the customers stay requested and
// the pair's sync job sends them again, instead of showing a refusal that was only a bad moment.
const TRANSIENT_ERRCODES = new Set([-1, 6000, 45009, 45033]);

// A resend after a call whose answer was lost: WeCom already has this transfer.
const acceptedAnswer = (errcode: number, resent: boolean) => errcode === 0 || (resent && ALREADY_TRANSFERRING_ERRCODES.includes(errcode));

async function settle(record: CustomerTransferAttrs, errcode: number, resent: boolean, now: Date): Promise<boolean> {
  const accepted = acceptedAnswer(errcode, resent);
  const set = accepted
    ? { state: "waiting", errcode: 0, reason: "" }
    : { state: errcode === TAKEOVER_FULL_ERRCODE ? "takeover_full" : "failed", errcode, reason: transferRefusalReason(errcode), finishedAt: now };
  const { modifiedCount } = await CustomerTransfer.updateOne({ _id: record._id, state: "requested" }, { $set: set });
  if (!accepted && modifiedCount > 0) {
    await markUnassigned(record as CustomerTransferAttrs & TransferPair, [record.targetId], false);
  }
  return accepted;
}

/**
 * Ask WeCom to move a pair's requested customers, 100 a call, and record each customer's answer.
 * Each record is marked as called before the call, so one found still requested after a crash is
 * asked again and WeCom's "already transferring" then counts as accepted. WeCom unreachable
 * leaves them requested for the pair's sync job to send.
 *
 * @param props the client, the pair and the clock.
 * @returns how many were accepted and refused.
 */
export async function sendRequestedTransfers({ wecom, pair, now }: { wecom: WeComClient; pair: TransferPair; now: Date }): Promise<{ accepted: number; refused: number }> {
  const requested = await CustomerTransfer.find({ ...pair, subject: "customer", state: "requested" }).sort({ _id: 1 }).lean<CustomerTransferAttrs[]>();
  let accepted = 0;
  let refused = 0;
  for (let start = 0; start < requested.length; start += TRANSFER_CHUNK) {
    const chunk = requested.slice(start, start + TRANSFER_CHUNK);
    await CustomerTransfer.updateMany({ _id: { $in: chunk.map((record) => record._id) } }, { $set: { calledAt: now } });
    const body: Record<string, unknown> = { handover_userid: pair.handoverUserId, takeover_userid: pair.takeoverUserId, external_userid: chunk.map((record) => record.targetId) };
    const message = chunk[0]?.transferSuccessMsg;
    if (pair.kind === "onjob" && message) {
      body.transfer_success_msg = message;
    }
    let answers: Map<string, number>;
    try {
      const answer = await wecom.post<TransferAnswer>(PATHS[pair.kind], body, { priority: "bulk" });
      answers = new Map((answer.customer ?? []).map((customer) => [customer.external_userid, customer.errcode]));
    } catch (error) {
      if (!(error instanceof WeComApiError) || TRANSIENT_ERRCODES.has(error.errcode)) {
        throw error;
      }
      // The whole call refused (handover not resigned, bad parameter): every customer of it is.
      answers = new Map(chunk.map((record) => [record.targetId, error.errcode]));
    }
    for (const record of chunk) {
      const errcode = answers.get(record.targetId);
      if (errcode === undefined) {
        continue;
      }
      if (await settle(record, errcode, Boolean(record.calledAt), now)) {
        accepted += 1;
      } else {
        refused += 1;
      }
    }
  }
  return { accepted, refused };
}

// The customer buys in a store. A store's till is not WeCom: it reports the order the way an order
// feed does, through the product's order command.
import orderRecorder, { type OrderOutcome } from "../../commands/orderRecorder.ts";
import { currentProgram } from "../../commands/programStore.ts";
import { NotFoundError } from "../../errors.ts";
import { Member } from "../../models/Member.ts";
import { BRAND } from "../demoData.ts";
import { SandboxCustomer, SandboxDepartment, SandboxFollow, SandboxUser } from "../models/index.ts";
import { customerOrder, tillOrderNo } from "../orders.ts";
import type { SandboxContext } from "./context.ts";

export interface BuyInput {
  externalUserId: string;
  amountFen: number;
  /** The store (department id); the guide's store otherwise. */
  storeId?: string;
  /** The guide credited; the customer's first guide otherwise. */
  guideUserId?: string;
  at?: Date;
}

/** What a purchase did, with the member it landed on. */
export type BuyResult = OrderOutcome & { member?: { memberNo: string; levelCode: string; points: number; growth: number } };

/**
 * The customer buys in a store: the till reports the order like an order feed (channel "store",
 * the customer's phone and WeCom id, the store and guide), recorded by the product's
 * orderRecorder — which creates the member on the first purchase, credits growth and points and
 * upgrades the level.
 *
 * @param context the clock.
 * @param input the customer, amount, and optionally store, guide and time.
 * @returns the order's outcome and the member afterwards.
 */
export async function buy(context: SandboxContext, input: BuyInput): Promise<BuyResult> {
  const customer = await SandboxCustomer.findById(input.externalUserId).lean();
  if (!customer) {
    throw NotFoundError(`externalUserId: customer ${input.externalUserId}`);
  }
  const follows = await SandboxFollow.find({ external_userid: input.externalUserId }, { userid: 1, createtime: 1 }).lean();
  const guideUserId = input.guideUserId ?? [...follows].sort((a, b) => a.createtime - b.createtime)[0]?.userid;
  const guide = guideUserId ? await SandboxUser.findById(guideUserId, { main_department: 1 }).lean() : null;
  if (input.guideUserId && !guide) {
    throw NotFoundError(`guideUserId: member ${input.guideUserId}`);
  }
  const storeId = input.storeId ?? (guide && guide.main_department !== BRAND.id ? String(guide.main_department) : undefined);
  if (input.storeId && !(await SandboxDepartment.exists({ _id: Number(input.storeId) }))) {
    throw NotFoundError(`storeId: store ${input.storeId}`);
  }
  const at = input.at ?? context.now();
  const order = customerOrder(
    { channel: "store", orderNo: tillOrderNo(at), amount: input.amountFen, paidAt: at, items: [{ name: "门店消费", quantity: 1, amount: input.amountFen }], storeId, guideUserId },
    { externalUserId: input.externalUserId, name: customer.name },
  );
  const { program } = await currentProgram();
  const outcome = await orderRecorder(order, program, context.now());
  if (outcome.result === "rejected") {
    return outcome;
  }
  // Read back for the page: what the purchase made of the member.
  const member = await Member.findById(outcome.memberId, { memberNo: 1, levelCode: 1, points: 1, growth: 1 }).lean();
  return member ? { ...outcome, member: { memberNo: member.memberNo, levelCode: member.levelCode, points: member.points, growth: member.growth } } : outcome;
}

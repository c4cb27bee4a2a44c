import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import type { Types } from "mongoose";
import { formatSummary, importOrders } from "../../scripts/import-orders.ts";
import { validateOrder } from "../../scripts/orderRows.ts";
import orderBatchImporter from "../../server/commands/orderBatchImporter.ts";
import orderRecorder, { type OrderInput, type OrderOutcome } from "../../server/commands/orderRecorder.ts";
import { DEFAULT_PROGRAM, type Program } from "../../server/domain/program.ts";
import { AppError } from "../../server/errors.ts";
import { Counter } from "../../server/models/Counter.ts";
import { Follow } from "../../server/models/Follow.ts";
import { LedgerEntry } from "../../server/models/LedgerEntry.ts";
import { Member } from "../../server/models/Member.ts";
import { MemberIdentity } from "../../server/models/MemberIdentity.ts";
import { NonMemberOrder } from "../../server/models/NonMemberOrder.ts";
import { Order } from "../../server/models/Order.ts";
import { phoneHash, revealPhone } from "../../server/security/personalData.ts";
import { resetDatabase, testDatabaseUri } from "../support/hooks.ts";

const run = promisify(execFile);
const program: Program = DEFAULT_PROGRAM;
const NOW = new Date("2026-06-01T00:00:00Z");

/** An order as the API takes it, validated into the command's input. */
function order(body: Record<string, unknown>): OrderInput {
  const result = validateOrder({ paidAt: "2026-03-01T10:00:00+08:00", ...body });
  assert.equal(result.reason, null, `test order is valid: ${result.reason}`);
  return result.order as OrderInput;
}

/** The one-at-a-time path, with refusals as rows (as the importer reports them). */
async function oneAtATime(inputs: OrderInput[]): Promise<OrderOutcome[]> {
  const outcomes: OrderOutcome[] = [];
  for (const input of inputs) {
    try {
      outcomes.push(await orderRecorder(input, program, NOW));
    } catch (error) {
      assert.ok(error instanceof AppError, String(error));
      outcomes.push({ result: "rejected", orderId: `${input.channel}:${input.orderNo}`, reason: error.message });
    }
  }
  return outcomes;
}

/** Everything the membership core stores, with generated ids replaced by member numbers. */
async function snapshot(): Promise<unknown> {
  const members = await Member.find().sort({ memberNo: 1 }).lean();
  const numbers = new Map(members.map((member) => [String(member._id), member.memberNo]));
  const who = (id: Types.ObjectId) => numbers.get(String(id)) ?? `missing:${String(id)}`;
  const byId = (a: { _id: string }, b: { _id: string }) => a._id.localeCompare(b._id);
  return {
    members: members.map(({ _id, createdAt, updatedAt, phoneEncrypted, ...rest }) => {
      void [_id, createdAt, updatedAt];
      return { ...rest, phone: phoneEncrypted ? revealPhone(phoneEncrypted) : null };
    }),
    identities: (await MemberIdentity.find().lean()).map(({ memberId, ...rest }) => ({ ...rest, member: who(memberId) })).sort(byId),
    orders: (await Order.find().lean())
      .map(({ memberId, createdAt, updatedAt, ...rest }) => {
        void [createdAt, updatedAt];
        return { ...rest, member: who(memberId) };
      })
      .sort(byId),
    ledger: (await LedgerEntry.find().lean()).map(({ memberId, ...rest }) => ({ ...rest, member: who(memberId) })).sort(byId),
    counters: await Counter.find().lean(),
    nonMemberOrders: (await NonMemberOrder.find().lean()).sort(byId),
  };
}

/** Outcomes with the generated member id checked against the member number, then dropped. */
async function comparable(outcomes: OrderOutcome[]): Promise<unknown[]> {
  const members = await Member.find({}, { memberNo: 1 }).lean();
  const numbers = new Map(members.map((member) => [String(member._id), member.memberNo]));
  return outcomes.map((outcome) => {
    if (outcome.result === "rejected") {
      return outcome;
    }
    const { memberId, ...rest } = outcome;
    assert.equal(numbers.get(memberId) ?? "", outcome.memberNo, `${outcome.orderId}: memberId and memberNo agree`);
    return rest;
  });
}

/** Run the same seed and rows through both paths; return both end states. */
async function bothWays(seed: OrderInput[], rows: OrderInput[], afterSeed?: () => Promise<void>) {
  const results = [];
  for (const importer of [oneAtATime, (inputs: OrderInput[]) => orderBatchImporter(inputs, program, NOW)]) {
    await resetDatabase();
    await oneAtATime(seed);
    await afterSeed?.();
    const outcomes = await importer(rows);
    results.push({ outcomes: await comparable(outcomes), state: await snapshot() });
  }
  const [single, batch] = results as [{ outcomes: unknown[]; state: unknown }, { outcomes: unknown[]; state: unknown }];
  return { single, batch };
}

/** A small deterministic generator, so a failing mix can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
}

describe("bulk order import", () => {
  beforeEach(resetDatabase);

  describe("orderBatchImporter", () => {
    const seed = [
      order({ channel: "tmall", orderNo: "S1", amount: 90_000, member: { phone: "13900000001", unionid: "oA" } }),
      order({ channel: "tmall", orderNo: "S2", amount: 10_000, member: { phone: "13900000002", buyerId: "bB" } }),
      order({ channel: "jd", orderNo: "S3", amount: 20_000, member: { phone: "13900000003" } }),
    ];
    const rows = [
      order({ channel: "tmall", orderNo: "N1", amount: 120_000, member: { phone: "13700000001", name: "新客" } }),
      order({ channel: "jd", orderNo: "N2", amount: 400_000, paidAt: "2026-03-05T10:00:00+08:00", member: { phone: "+86 137-0000-0001", buyerId: "jn1" } }),
      order({ channel: "tmall", orderNo: "N1", amount: 120_000, member: { phone: "13700000001" } }),
      order({ channel: "tmall", orderNo: "S1", amount: 90_000, member: { phone: "13900000001" } }),
      order({ channel: "miniprogram", orderNo: "M1", amount: 20_000, member: { unionid: "oA", externalUserId: "wmA" } }),
      order({ channel: "tmall", orderNo: "U1", amount: 5_000, member: { buyerId: "bB" } }),
      order({ channel: "tmall", orderNo: "U2", amount: 6_000, member: { buyerId: "bUnknown" } }),
      order({ channel: "tmall", orderNo: "U2", amount: 6_000, member: { phone: "13700000002", buyerId: "bUnknown" } }),
      order({ channel: "tmall", orderNo: "X1", amount: 7_000, member: { phone: "13900000001", buyerId: "bB" } }),
      order({ channel: "tmall", orderNo: "R1", amount: -5_000, refundOf: "S2", member: {} }),
      order({ channel: "tmall", orderNo: "P1", amount: 1_000, member: { phone: "12345" } }),
      order({ channel: "jd", orderNo: "S3", amount: 20_000, member: { phone: "13900000003" } }),
      order({ channel: "store", orderNo: "W1", amount: 3_000, member: { unionid: "oNew" } }),
      order({ channel: "store", orderNo: "W2", amount: 4_000, member: { unionid: "oNew", phone: "13700000003", externalUserId: "wmNew" } }),
      order({ channel: "tmall", orderNo: "N3", amount: 0, member: { phone: "13700000002" } }),
      order({ channel: "tmall", orderNo: "S2", amount: 10_000, status: "partially_refunded", refundedAmount: 7_000, member: {} }),
      order({ channel: "jd", orderNo: "J9", amount: 1_000, paidAt: "2026-02-01T10:00:00+08:00", member: { phone: "13700000001" } }),
    ];
    // jd:S3 was stored by a process that died before crediting it; two customers have guides.
    const crashAfterStoringS3 = async () => {
      await Follow.create([
        { externalUserId: "wmA", userId: "guide_li", tagIds: ["t_vip", "t_skin"] },
        { externalUserId: "wmA", userId: "guide_wang", tagIds: ["t_vip"], status: "deleted_by_customer" },
        { externalUserId: "wmNew", userId: "guide_zhao", tagIds: ["t_new"] },
      ]);
      await LedgerEntry.deleteMany({ sourceId: "order:jd:S3" });
      await Member.updateOne({ _id: (await Order.findById("jd:S3").lean())?.memberId }, { $set: { growth: 0, points: 0, "metrics.totalSpent": 0, "metrics.orderCount": 0 } });
    };

    it("should end in the same state as orderRecorder row by row, on a mixed batch", async () => {
      const { single, batch } = await bothWays(seed, rows, crashAfterStoringS3);
      assert.deepEqual(batch.outcomes, single.outcomes);
      assert.deepEqual(batch.state, single.state);
    });

    it("should make one member of two new rows with one phone, upgrade twice, and refuse what it must", async () => {
      await oneAtATime(seed);
      await crashAfterStoringS3();
      const outcomes = await orderBatchImporter(rows, program, NOW);
      assert.deepEqual(
        outcomes.map((outcome) => outcome.result),
        ["created", "created", "duplicate", "duplicate", "created", "created", "rejected", "created", "rejected", "refunded", "rejected", "duplicate", "created", "created", "created", "refunded", "created"],
      );
      const [first, second] = outcomes as [OrderOutcome & { memberNo: string }, OrderOutcome & { memberNo: string }];
      assert.equal(second.memberNo, first.memberNo);
      const member = await Member.findOne({ memberNo: first.memberNo }).lean();
      assert.deepEqual(
        member?.levelChanges.map((change) => [change.from, change.to]),
        [["regular", "silver"], ["silver", "gold"]],
      );
      assert.deepEqual([member?.growth, member?.metrics?.orderCount, member?.metrics?.totalSpent], [5210, 3, 521_000]);
      assert.equal(await MemberIdentity.countDocuments({ memberId: member?._id }), 2);
      assert.deepEqual(outcomes[6], { result: "rejected", orderId: "tmall:U2", reason: "member: 未知会员，订单需携带手机号或 unionid" });
      assert.match((outcomes[8] as { reason: string }).reason, /^phone \/ buyerId: 分别属于两位不同的会员/);
      assert.deepEqual(outcomes[10], { result: "rejected", orderId: "tmall:P1", reason: "phone: is not a mainland mobile number" });
      const withCustomer = await Member.findOne({ unionid: "oA" }).lean();
      assert.deepEqual([withCustomer?.externalUserIds, withCustomer?.tagIds, withCustomer?.guideUserIds], [["wmA"], ["t_skin", "t_vip"], ["guide_li"]]);
      assert.deepEqual((await NonMemberOrder.findById("tmall:U2").lean())?.amount, 6_000);
      const recovered = await Member.findById((await Order.findById("jd:S3").lean())?.memberId).lean();
      assert.deepEqual([recovered?.growth, recovered?.metrics?.orderCount], [200, 1]);
    });

    it("should match the one-at-a-time state on a random mix larger than one lookup list", async () => {
      const next = random(20_260_601);
      const pick = <T>(values: T[]): T => values[Math.floor(next() * values.length)] as T;
      const channels = ["tmall", "jd", "miniprogram", "store"];
      const mixed: OrderInput[] = [];
      for (let index = 0; index < 260; index += 1) {
        const person = Math.floor(next() * 90);
        const member: Record<string, string> = {};
        if (next() < 0.7) {
          member.phone = `1380000${String(person).padStart(4, "0")}`;
        }
        if (next() < 0.3) {
          member.unionid = `oU${person}`;
        }
        if (next() < 0.4) {
          // Now and then someone else's buyer id: conflicts happen.
          member.buyerId = `b${next() < 0.7 ? person : Math.floor(next() * 90)}`;
        }
        if (next() < 0.2) {
          member.externalUserId = `wm${person}`;
        }
        const replay = index > 10 && next() < 0.1;
        mixed.push(
          order({
            channel: pick(channels),
            orderNo: replay ? `O${Math.floor(next() * index)}` : `O${index}`,
            amount: Math.floor(next() * 300_000),
            paidAt: new Date(Date.UTC(2025, 6, 1) + Math.floor(next() * 300) * 86_400_000).toISOString(),
            member,
          }),
        );
      }
      const follows = async () => {
        await Follow.create(Array.from({ length: 30 }, (_, person) => ({ externalUserId: `wm${person * 3}`, userId: `guide_${person % 4}`, tagIds: [`t${person % 5}`] })));
      };
      const { single, batch } = await bothWays(mixed.slice(0, 30), mixed.slice(30), follows);
      const results = new Set(single.outcomes.map((outcome) => (outcome as { result: string; reason?: string }).reason?.slice(0, 8) ?? (outcome as { result: string }).result));
      for (const kind of ["created", "duplicate", "member: ", "phone / ", "unionid "]) {
        assert.ok(results.has(kind), `the mix has ${kind} rows`);
      }
      assert.deepEqual(batch.outcomes, single.outcomes);
      assert.deepEqual(batch.state, single.state);
    });

    it("should redo a run one row at a time when another writer takes one of its identities meanwhile", async () => {
      await oneAtATime([
        order({ channel: "store", orderNo: "T0", amount: 1_000, member: { phone: "13600000009" } }),
        order({ channel: "store", orderNo: "T1", amount: 1_000, member: { phone: "13600000005" } }),
      ]);
      const other = (await Member.findOne({ memberNo: "M00000001" }).lean()) as { _id: Types.ObjectId; memberNo: string };
      const collection = MemberIdentity.collection;
      const insertMany = collection.insertMany;
      // The other writer binds the batch's new phone to its member just before the batch inserts.
      collection.insertMany = async function (this: typeof collection, ...args: Parameters<typeof insertMany>) {
        collection.insertMany = insertMany;
        await MemberIdentity.create({ _id: `phone:${phoneHash("13600000001")}`, kind: "phone", memberId: other._id, via: "guide_binding", at: NOW });
        return insertMany.apply(this, args);
      } as typeof insertMany;
      let outcomes: OrderOutcome[];
      try {
        outcomes = await orderBatchImporter(
          [
            order({ channel: "miniprogram", orderNo: "A0", amount: 1_000, member: { phone: "13600000005", unionid: "oS" } }),
            order({ channel: "tmall", orderNo: "A1", amount: 2_000, member: { phone: "13600000001", buyerId: "x1" } }),
            order({ channel: "tmall", orderNo: "A2", amount: 3_000, member: { phone: "13600000001" } }),
          ],
          program,
          NOW,
        );
      } finally {
        collection.insertMany = insertMany;
      }
      assert.deepEqual(
        outcomes.map((outcome) => [outcome.result, (outcome as { memberNo?: string }).memberNo]),
        [["created", "M00000002"], ["created", other.memberNo], ["created", other.memberNo]],
      );
      assert.equal(await Member.countDocuments(), 2, "the member planned for the taken phone is taken back");
      assert.equal((await Member.findOne({ memberNo: "M00000002" }).lean())?.unionid, "oS", "an identity that landed still sets its field");
      assert.equal(String((await MemberIdentity.findById("buyer:tmall:x1").lean())?.memberId), String(other._id));
      assert.equal((await Member.findById(other._id).lean())?.growth, 60);
    });
  });

  describe("import:orders", () => {
    let dir: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "scrm-import-"));
    });
    afterEach(() => {
      fs.rmSync(dir, { recursive: true, force: true });
    });

    const csv = [
      "channel,orderNo,amount,paidAt,status,refundedAmount,refundOf,phone,unionid,externalUserId,buyerId,name,storeId,guideUserId,items",
      `tmall,T1,38000,2026-03-01T10:00:00+08:00,,,,13800138000,,,tb1,王女士,store_sh_01,,"[{""sku"":""S1"",""name"":""精华液, 30ml"",""quantity"":1,""amount"":38000}]"`,
      "tmall,T2,12.5,2026-03-01T10:00:00+08:00,,,,13800138000,,,,,,,",
      "",
      "jd,J1,100000,2026-03-02T10:00:00+08:00,,,,,,,jd_unknown,,,,",
      `jd,J2,20000,2026-03-02T11:00:00+08:00,,,,13800138000,,,jd1,"李
先生",,,`,
      "tmall,T3,5000,yesterday,,,,13800138001,,,,,,,",
      "tmall,R1,-10000,2026-03-04T10:00:00+08:00,,,T1,,,,,,,,",
      "store,S1,8800,2026-03-05T10:00:00+08:00,,,,13800138001,,wmX,,,store_bj_02,guide_1,not json",
      "store,S2,8800,2026-03-05T10:00:00+08:00,,,,13800138001,,wmX,,,store_bj_02,guide_1,,extra",
    ].join("\n");

    it("should import a CSV file, write its rejects with line numbers and reasons, and import it again as duplicates", async () => {
      const file = path.join(dir, "orders.csv");
      fs.writeFileSync(file, `${csv}\n`);
      const progress: number[] = [];
      const first = await importOrders({ file, program, batchSize: 3, now: () => NOW, onProgress: (step) => progress.push(step.rows) });
      assert.deepEqual([first.rows, first.imported, first.duplicates, first.refunds, first.rejected], [8, 2, 0, 1, 5]);
      assert.deepEqual(progress, [3, 6, 8]);
      assert.equal(first.rejectsFile, `${file}.rejects.csv`);
      const rejects = fs.readFileSync(first.rejectsFile, "utf8").trim().split("\n");
      assert.equal(rejects[0], "row,reason,channel,orderNo,amount,paidAt,status,refundedAmount,refundOf,phone,unionid,externalUserId,buyerId,name,storeId,guideUserId,items");
      assert.deepEqual(
        rejects.slice(1).map((line) => line.split(",").slice(0, 2).join(",")),
        [
          "3,amount: must be an integer number of fen",
          "5,member: 未知会员，订单需携带手机号或 unionid",
          "8,paidAt: must be an ISO 8601 time",
          "10,items: 不是合法的 JSON 数组",
          "11,row: 列数 16 与表头的 15 不一致",
        ],
      );
      assert.equal(rejects[1], "3,amount: must be an integer number of fen,tmall,T2,12.5,2026-03-01T10:00:00+08:00,,,,13800138000,,,,,,,");
      const member = await Member.findOne({ phoneMasked: "138****8000" }).lean();
      assert.deepEqual([member?.name, member?.growth, member?.points, member?.metrics?.orderCount], ["王女士", 480, 480, 2]);
      assert.deepEqual((await Order.findById("tmall:T1").lean())?.items, [{ sku: "S1", name: "精华液, 30ml", quantity: 1, amount: 38_000 }]);

      const balances = async () => (await Member.find().sort({ memberNo: 1 }).lean()).map((one) => [one.memberNo, one.growth, one.points, one.metrics?.totalSpent]);
      const before = await balances();
      const again = await importOrders({ file, program, batchSize: 1000 });
      assert.deepEqual([again.imported, again.duplicates, again.refunds, again.rejected], [0, 3, 0, 5]);
      assert.deepEqual(await balances(), before);
      assert.match(formatSummary(again), /^imported 0, duplicates 3, refunds 0, rejected 5 in \d+\.\d s \(\d+ rows\/s\)$/);
    });

    it("should number rows by line with Windows line ends and a line break inside a quoted field", async () => {
      const file = path.join(dir, "orders.csv");
      fs.writeFileSync(file, `\uFEFF${csv.replaceAll("\n", "\r\n")}\r\n`);
      const summary = await importOrders({ file, program });
      assert.deepEqual([summary.imported, summary.refunds, summary.rejected], [2, 1, 5]);
      const rows = fs.readFileSync(summary.rejectsFile, "utf8").trim().split("\n").slice(1).map((line) => line.split(",")[0]);
      assert.deepEqual(rows, ["3", "5", "8", "10", "11"]);
      assert.equal((await Member.findOne({ memberNo: "M00000001" }).lean())?.name, "王女士");
    });

    it("should import JSON lines, skipping blank lines and refusing lines that are not orders", async () => {
      const file = path.join(dir, "orders.jsonl");
      const lines = [
        JSON.stringify({ channel: "miniprogram", orderNo: "M1", amount: 150_000, paidAt: "2026-03-01T10:00:00+08:00", member: { unionid: "oU1", phone: "13800138000" } }),
        "",
        "{not json",
        JSON.stringify({ channel: "miniprogram", orderNo: "M2", amount: 20_000, paidAt: "2026-03-02T10:00:00+08:00", member: { unionid: "oU1" } }),
        JSON.stringify([1, 2]),
        JSON.stringify({ channel: "Tmall!", orderNo: "X", amount: 1, paidAt: "2026-03-02T10:00:00+08:00" }),
      ];
      fs.writeFileSync(file, `${lines.join("\n")}\n`);
      const rejectsFile = path.join(dir, "bad.csv");
      const summary = await importOrders({ file, rejectsFile, program });
      assert.deepEqual([summary.rows, summary.imported, summary.duplicates, summary.rejected], [5, 2, 0, 3]);
      const rejects = fs.readFileSync(rejectsFile, "utf8").trim().split("\n");
      assert.equal(rejects[0], "row,reason,json");
      assert.equal(rejects[1], "3,row: 不是合法的 JSON,{not json");
      assert.equal(rejects[2], '5,row: 每行应是一个 JSON 对象,"[1,2]"');
      assert.match(rejects[3] ?? "", /^6,"channel: must be a channel code such as tmall, jd, store","\{""channel"":""Tmall!""/);
      const member = await Member.findOne({ unionid: "oU1" }).lean();
      assert.deepEqual([member?.levelCode, member?.growth, member?.metrics?.orderCount], ["silver", 1700, 2]);
    });

    it("should run as a command against MONGODB_URI and print the summary", async function () {
      this.timeout(120_000);
      const file = path.join(dir, "orders.csv");
      fs.writeFileSync(file, `${csv}\n`);
      const command = () =>
        run(process.execPath, ["--import", "tsx", "scripts/import-orders.ts", file, "--batch", "2"], {
          env: { ...process.env, MONGODB_URI: testDatabaseUri(), LOG_LEVEL: "silent", NODE_ENV: "test" },
        });
      const first = await command();
      assert.match(first.stdout.trim(), /^imported 2, duplicates 0, refunds 1, rejected 5 in \d+\.\d s \(\d+ rows\/s\)$/);
      assert.match(first.stderr, new RegExp(`rejected rows: ${file}\\.rejects\\.csv`));
      assert.equal(fs.readFileSync(`${file}.rejects.csv`, "utf8").trim().split("\n").length, 6);
      const growth = (await Member.find().lean()).reduce((sum, member) => sum + member.growth, 0);
      const second = await command();
      assert.match(second.stdout.trim(), /^imported 0, duplicates 3, refunds 0, rejected 5 in /);
      assert.equal((await Member.find().lean()).reduce((sum, member) => sum + member.growth, 0), growth);
    });
  });
});

// demo — fill a running sandbox server with a year of demo data (docs/sandbox.md): 2,000 customers
// added through the stores' channel codes (200 of them in the last four weeks through the
// operator's 渠道活码), ~40% of them in customer groups, 100 through a 群活码, ~6,000 orders. The
// server does the work (POST /sandbox/api/demo); this script starts it and follows its progress.
//
//   npm run demo                      (server on http://127.0.0.1:$PORT, 3000 by default)
//   npm run demo -- --url http://127.0.0.1:3100 [--customers 500] [--orders 1500]
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import cliProgress from "cli-progress";
import type { DemoStatus } from "../server/sandbox/demo/runner.ts";

const STEP_NAMES: Record<string, string> = {
  seed: "准备企业",
  channels: "渠道活码",
  customers: "客户扫码",
  processing: "处理回调",
  orders: "导入订单",
  groups: "客户入群",
  funnel: "群活码入群",
  segments: "示例人群",
  done: "完成",
};

const { values: args } = parseArgs({
  options: {
    url: { type: "string" },
    customers: { type: "string" },
    orders: { type: "string" },
  },
});
const base = (args.url ?? `http://127.0.0.1:${process.env.PORT ?? "3000"}`).replace(/\/$/, "");

async function call(method: "GET" | "POST", path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> | null }> {
  let response: Response;
  try {
    response = await fetch(`${base}${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    fail(`无法连接 ${base}（${cause}）。请先启动沙盒服务器：npm start（未配置企业微信时自动进入沙盒模式），或用 --url 指定地址。`);
  }
  const text = await response.text();
  let json: Record<string, unknown> | null = null;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = null;
  }
  if (response.status === 404) {
    fail(`${base} 没有沙盒接口（404）：服务器不在沙盒模式。去掉 WECOM_* 配置或设置 SANDBOX=1 后重启。`);
  }
  return { status: response.status, json };
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

function sizeArg(name: "customers" | "orders"): number | undefined {
  const raw = args[name];
  if (raw === undefined) {
    return undefined;
  }
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    fail(`--${name}: must be a whole number`);
  }
  return value;
}

async function main(): Promise<void> {
  const started = performance.now();
  const body = { customers: sizeArg("customers"), orders: sizeArg("orders") };
  const start = await call("POST", "/sandbox/api/demo", body);
  if (start.status === 409) {
    process.stdout.write("演示数据已在生成中，继续跟踪进度……\n");
  } else if (start.status >= 400) {
    fail(`启动失败：HTTP ${start.status} ${String(start.json?.message ?? "")}`);
  }

  const bar = new cliProgress.SingleBar(
    { format: " {step} |{bar}| {percentage}% · {value}/{total} · {message}", hideCursor: true, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  bar.start(1, 0, { step: STEP_NAMES.seed, message: "" });
  let status: DemoStatus | null = null;
  for (;;) {
    const answer = await call("GET", "/sandbox/api/demo");
    status = (answer.json?.data ?? null) as DemoStatus | null;
    if (!status) {
      bar.stop();
      fail(`读取进度失败：HTTP ${answer.status}`);
    }
    bar.setTotal(Math.max(1, status.total));
    bar.update(status.done, { step: STEP_NAMES[status.step ?? "seed"] ?? status.step, message: status.message });
    if (!status.running) {
      break;
    }
    await sleep(500);
  }
  bar.stop();
  if (status.error) {
    fail(`演示数据生成失败：${status.error}（详见服务器日志）`);
  }
  const summary = status.summary;
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (!summary) {
    process.stdout.write(`完成（${seconds} 秒）。\n`);
    return;
  }
  const levels = Object.entries(summary.product.levels)
    .map(([code, count]) => `${code} ${count}`)
    .join("，");
  process.stdout.write(
    [
      `完成，用时 ${seconds} 秒（服务器 ${summary.seconds} 秒）。`,
      `  新增客户 ${summary.customersAdded}，入群 ${summary.groupJoins} 次`,
      `  订单：新建 ${summary.orders.created}，已存在 ${summary.orders.duplicate}，非会员 ${summary.orders.rejected}`,
      `  导购任务（近三周）：新生成 ${summary.tasks.generated}，导购完成 ${summary.tasks.worked}，未处理 ${summary.tasks.left}（${summary.tasks.seconds} 秒）`,
      `  产品现有：客户 ${summary.product.customers}，会员 ${summary.product.members}（${levels}），订单 ${summary.product.orders}`,
      ...(summary.pendingEvents > 0 ? [`  注意：还有 ${summary.pendingEvents} 条事件队列在处理中`] : []),
      `  控制台：${base}/console/`,
      "",
    ].join("\n"),
  );
}

await main();

// The baseline of bench:callbacks: a Koa handler that only verifies, decrypts and answers,
// run in its own process exactly like the real server, so the ratio isolates what storing costs.
import Koa from "koa";
import getRawBody from "raw-body";
import { openSealedMessage } from "../server/wecom/callbackCrypto.ts";
import { parseEnvelope } from "../server/wecom/callbackEvent.ts";

const [port, token, aesKey, receiveId] = process.argv.slice(2);
if (!port || !token || !aesKey || !receiveId) {
  throw new Error("usage: baselineServer PORT TOKEN AES_KEY CORP_ID");
}
const app = new Koa();
app.use(async (ctx) => {
  const body = await getRawBody(ctx.req, { limit: 1024 * 1024, encoding: "utf8" });
  openSealedMessage(
    { token, aesKey, receiveId },
    {
      signature: String(ctx.query.msg_signature),
      timestamp: String(ctx.query.timestamp),
      nonce: String(ctx.query.nonce),
      encrypted: parseEnvelope(body),
    },
  );
  ctx.type = "text/plain";
  ctx.body = "success";
});
app.listen(Number(port), "127.0.0.1", () => process.stdout.write("LISTENING\n"));

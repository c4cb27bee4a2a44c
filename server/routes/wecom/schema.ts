import { z } from "zod";

const signed = {
  msg_signature: z.string().regex(/^[0-9a-fA-F]{40}$/, "must be 40 hex characters"),
  timestamp: z.string().regex(/^\d{1,13}$/, "must be digits"),
  nonce: z.string().min(1, "is required").max(64, "is too long"),
};

export const CallbackVerifySchema = z.object({
  query: z.object({ ...signed, echostr: z.string().min(1, "is required") }),
});

export const CallbackDeliverSchema = z.object({ query: z.object(signed) });

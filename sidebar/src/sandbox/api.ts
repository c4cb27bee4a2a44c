// The sandbox page's calls (docs/sandbox.md, "Page ↔ server"). Everything goes through the shared
// fetch wrapper, so errors arrive as ApiError carrying the server's (Chinese) message.
import { api, ApiError, query } from "@shared/api";

export interface SandboxGuide {
  userid: string;
  name: string;
  position?: string;
  storeId: string;
  storeName: string;
  /** WeCom's member status: 1 active, 5 left (离职). */
  status?: number;
}

export interface SandboxContactWay {
  config_id: string;
  state: string;
  remark: string;
  user: string[];
  qr_code: string;
}

export interface SandboxGroup {
  chat_id: string;
  name: string;
  owner: string;
  memberCount: number;
}

export interface SandboxCustomer {
  external_userid: string;
  name: string;
  guides: string[];
}

export interface SandboxState {
  /** false until the sandbox corp (stores, guides, channel codes, groups) exists. */
  seeded?: boolean;
  corp: unknown;
  stores: { id: string; name: string }[];
  guides: SandboxGuide[];
  contactWays: SandboxContactWay[];
  groups: SandboxGroup[];
  recentCustomers: SandboxCustomer[];
  consoleUrl: string;
  sidebarUrl: string;
}

export interface SandboxMessage {
  from: string;
  to?: string;
  external_userid: string;
  userid: string;
  text: string;
  /** A welcome message's attachments as send_welcome_msg carried them. */
  attachments?: unknown[];
  at: string;
  kind: "chat" | "welcome" | "sent_by_sidebar";
}

export interface DemoProgress {
  running: boolean;
  /** The step's code (seed, customers, orders…); `message` says it in Chinese. */
  step?: string | null;
  message?: string;
  done?: number;
  total?: number;
  error?: string | null;
}

/** What `POST /sandbox/api/buy` answers: the orderRecorder outcome (and the member after it). */
export type BuyOutcome =
  | {
      result: "created" | "duplicate" | "refunded";
      orderId: string;
      memberId?: string;
      memberNo?: string;
      member?: { memberNo?: string; levelCode?: string; points?: number; growth?: number };
    }
  | { result: "rejected"; orderId?: string; reason: string };

/**
 * `POST /sandbox/api/buy`: a refused order comes back as 422 with the outcome (its reason) as
 * data, not as an error envelope, so this one reads the body itself.
 */
async function postBuy(body: { externalUserId: string; amountFen: number; storeId?: string; guideUserId?: string }): Promise<BuyOutcome> {
  let response: Response;
  try {
    response = await fetch("/sandbox/api/buy", {
      method: "POST",
      credentials: "same-origin",
      headers: { accept: "application/json", "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, "network_error", "网络异常，点击重试");
  }
  const payload = (await response.json().catch(() => null)) as { ok?: boolean; data?: BuyOutcome; error?: string; message?: string } | null;
  if (payload?.data && typeof payload.data === "object" && "result" in payload.data) {
    return payload.data;
  }
  if (!response.ok || !payload || payload.ok === false) {
    throw new ApiError(response.status, payload?.error ?? "http_error", payload?.message ?? `请求失败（${response.status}）`);
  }
  return payload.data as BuyOutcome;
}

/** `GET /sandbox/api/guide-tasks`: what the guide's WeCom client would list (server/sandbox/actions/guideTasks.ts). */
export interface SandboxGuideTasks {
  moments: { jobid: string; text: string; attachments: number; createdAt: string; publishAt: string | null }[];
  massMessages: { msgid: string; text: string; chatType: string; recipients: number; attachments: number; createdAt: string; sendAt: string | null }[];
  appMessages: { msgid: string; msgtype: string; title: string; description: string; url: string; at: string }[];
  /** The share of their sidebar tasks the guide's habit does; null for no such member. */
  taskHabit: number | null;
}

/** A group can hold at most this many members (WeCom's limit). */
export const GROUP_LIMIT = 200;

export const sandboxApi = {
  state: () => api.get<SandboxState>("/sandbox/api/state"),
  scan: (configId: string, name?: string) =>
    api.post<{ external_userid: string; userid: string }>("/sandbox/api/scan", name ? { configId, name } : { configId }),
  joinGroup: (externalUserId: string, chatId: string) =>
    api.post<{ chat_id: string; memberCount: number }>("/sandbox/api/join-group", { externalUserId, chatId }),
  chat: (externalUserId: string, userId: string) => api.get<SandboxMessage[]>(`/sandbox/api/chat${query({ externalUserId, userId })}`),
  say: (externalUserId: string, userId: string, from: "customer" | "guide", text: string) =>
    api.post<unknown>("/sandbox/api/chat", { externalUserId, userId, from, text }),
  buy: postBuy,
  /** Creates the sandbox corp (stores, guides, tags, channel codes, groups) when it is not there yet. */
  seed: () => api.post<unknown>("/sandbox/api/seed"),
  /** Tells the login stand-in which guide the next sidebar login is (sets the sandbox_guide cookie). */
  pickGuide: (userid: string) => api.post<unknown>("/sandbox/api/guide", { userid }),
  startDemo: () => api.post<DemoProgress>("/sandbox/api/demo"),
  demo: () => api.get<DemoProgress>("/sandbox/api/demo"),
  guideTasks: (userid: string) => api.get<SandboxGuideTasks>(`/sandbox/api/guide-tasks${query({ userid })}`),
  /** 代发表: the guide publishes the moment now. */
  publishMoment: (jobid: string, userid: string) => api.post<{ published: boolean }>(`/sandbox/api/guide-tasks/moments/${encodeURIComponent(jobid)}/publish`, { userid }),
  /** 代发送: the guide sends the mass message now. */
  sendMassMessage: (msgid: string, userid: string) => api.post<{ sent: boolean }>(`/sandbox/api/guide-tasks/mass/${encodeURIComponent(msgid)}/send`, { userid }),
  /** An employee texts the app; the answer is the app's passive reply, or null (server/sandbox/actions/appText.ts). */
  textApp: (userid: string, text: string) => api.post<{ reply: string | null }>("/sandbox/api/app-text", { userid, text }),
  /** 离职: the guide leaves the corp; their customers and groups wait for 离职继承 (server/sandbox/actions/resignGuide.ts). */
  resignGuide: (userid: string) => api.post<{ customers: number; groups: number }>(`/sandbox/api/guides/${encodeURIComponent(userid)}/resign`),
  me: () => api.get<{ userId: string; name: string }>("/api/auth/me"),
  logout: () => api.post<unknown>("/api/auth/logout"),
};

/** The corp's display name, whatever shape the state gives it in. */
export function corpName(corp: unknown): string {
  if (typeof corp === "string") {
    return corp;
  }
  if (corp && typeof corp === "object") {
    const record = corp as Record<string, unknown>;
    for (const key of ["name", "corp_name", "corpName"]) {
      if (typeof record[key] === "string" && record[key]) {
        return record[key] as string;
      }
    }
  }
  return "";
}

/** True when the customer wrote it (the model's `from` is "customer" or the customer's id). */
export function fromCustomer(message: SandboxMessage): boolean {
  return message.from === "customer" || (!!message.external_userid && message.from === message.external_userid);
}

/** "¥12.30" from fen. */
export function yuan(fen: number): string {
  return `¥${(fen / 100).toFixed(2)}`;
}

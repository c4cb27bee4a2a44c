// The one way the pages talk to the server: same-origin fetch with the session cookie, JSON in
// and out, the `{ ok, data, pagination }` envelope unwrapped, and every refusal turned into an
// ApiError whose message is a Chinese sentence (shared/errors.ts) and whose `field` names the
// form field it is about.
import { describeFailure } from "./errors";

export class ApiError extends Error {
  /** The field the server named ("levels.2.threshold"), for showing the message at that field. */
  readonly field: string | null;
  /** What the server said, as it said it (for logs and bug reports, not for people). */
  readonly serverMessage: string;
  /** Every refusal when the server listed several, each with its field (the first is this one). */
  readonly all: { field: string | null; message: string }[];

  /**
   * @param status the HTTP status (0: no answer).
   * @param code the server's stable error id (`validation_error`, `not_found`, …).
   * @param serverMessage the server's message.
   * @param serverErrors every refusal the server listed, when several.
   */
  constructor(
    readonly status: number,
    readonly code: string,
    serverMessage: string,
    serverErrors: string[] = [],
  ) {
    const described = describeFailure(status, code, serverMessage);
    super(described.text);
    this.name = "ApiError";
    this.field = described.field;
    this.serverMessage = serverMessage;
    const others = serverErrors.map((message) => describeFailure(status, code, message));
    this.all = others.length > 0 ? others.map((one) => ({ field: one.field, message: one.text })) : [{ field: described.field, message: described.text }];
  }
}

export interface Pagination {
  page: number;
  pageSize: number;
  total: number;
}

export interface Paged<T> {
  data: T[];
  pagination: Pagination;
}

/** The success envelope; a few answers carry more beside `data` (the ledger's `levelChanges`). */
export type Answer<T, Extra extends object = object> = { data: T; pagination?: Pagination } & Partial<Extra>;

async function request<T, Extra extends object = object>(method: string, url: string, body?: unknown): Promise<Answer<T, Extra>> {
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      credentials: "same-origin",
      headers: body === undefined ? { accept: "application/json" } : { accept: "application/json", "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, "network_error", "network error");
  }
  const payload = (await response.json().catch(() => null)) as (Answer<T, Extra> & { ok?: boolean; error?: string; message?: string; errors?: string[] }) | null;
  if (!response.ok || !payload || payload.ok === false) {
    throw new ApiError(response.status, payload?.error ?? "http_error", payload?.message ?? `请求失败（${response.status}）`, Array.isArray(payload?.errors) ? payload.errors : []);
  }
  return payload;
}

export const api = {
  get: async <T>(url: string): Promise<T> => (await request<T>("GET", url)).data,
  paged: async <T>(url: string): Promise<Paged<T>> => {
    const result = await request<T[]>("GET", url);
    return { data: result.data, pagination: result.pagination ?? { page: 1, pageSize: result.data.length, total: result.data.length } };
  },
  /** GET the whole envelope, for the answers that carry more than `data` and `pagination`. */
  answer: <T, Extra extends object>(url: string): Promise<Answer<T, Extra>> => request<T, Extra>("GET", url),
  post: async <T>(url: string, body: unknown = {}): Promise<T> => (await request<T>("POST", url, body)).data,
  put: async <T>(url: string, body: unknown = {}): Promise<T> => (await request<T>("PUT", url, body)).data,
  patch: async <T>(url: string, body: unknown = {}): Promise<T> => (await request<T>("PATCH", url, body)).data,
  delete: async <T>(url: string): Promise<T> => (await request<T>("DELETE", url)).data,
};

/** Query string from defined, non-empty values. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") {
      search.set(key, String(value));
    }
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

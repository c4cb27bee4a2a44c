// The one way both pages talk to the server: same-origin fetch with the session cookie, JSON in
// and out, and errors turned into ApiError carrying the server's message (already Chinese or
// naming the field).

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface Paged<T> {
  data: T[];
  pagination: { page: number; pageSize: number; total: number };
}

async function request<T>(method: string, url: string, body?: unknown): Promise<{ data: T; pagination?: Paged<unknown>["pagination"] }> {
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      credentials: "same-origin",
      headers: body === undefined ? { accept: "application/json" } : { accept: "application/json", "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, "network_error", "网络异常，点击重试");
  }
  const payload = (await response.json().catch(() => null)) as { ok?: boolean; data?: T; pagination?: Paged<unknown>["pagination"]; error?: string; message?: string } | null;
  if (!response.ok || !payload || payload.ok === false) {
    throw new ApiError(response.status, payload?.error ?? "http_error", payload?.message ?? (response.status >= 500 ? "服务器异常，请稍后重试" : `请求失败（${response.status}）`));
  }
  return { data: payload.data as T, pagination: payload.pagination };
}

export const api = {
  get: async <T>(url: string): Promise<T> => (await request<T>("GET", url)).data,
  paged: async <T>(url: string): Promise<Paged<T>> => {
    const result = await request<T[]>("GET", url);
    return { data: result.data, pagination: result.pagination ?? { page: 1, pageSize: result.data.length, total: result.data.length } };
  },
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

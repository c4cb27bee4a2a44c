// One typed function per /api/console endpoint the membership pages call.
import { api, ApiError, query, type Paged } from "@shared/api";
import type {
  Customer,
  Employee,
  Kpis,
  LedgerAccount,
  LedgerPage,
  ListedMember,
  Member,
  MemberBenefit,
  MemberOrder,
  Program,
  ProgramState,
  ProgramVersion,
  Segment,
  SegmentBody,
  SegmentRule,
  Store,
  TagGroup,
  TagReason,
  TagRule,
  TagRuleBody,
} from "./types";

const BASE = "/api/console";
const at = (path: string) => `${BASE}${path}`;
const seg = encodeURIComponent;

/** Membership KPIs for a period; `window` is the repurchase window in days. */
export const fetchKpis = (params: { from?: string; to?: string; window?: number }) => api.get<Kpis>(at(`/kpis${query(params)}`));

/** Members, searched by name / member number / phone, a level and a store. */
export const fetchMembers = (params: { q?: string; levelCode?: string; storeId?: string; page: number; pageSize: number }) =>
  api.paged<ListedMember>(at(`/members${query(params)}`));

/** One member's profile. */
export const fetchMember = (memberNo: string) => api.get<Member>(at(`/members/${seg(memberNo)}`));

/**
 * GET the whole success answer, for the few endpoints that put more than `data` and `pagination`
 * in it (`api.paged` keeps only those two). Errors as in @shared/api.
 */
async function getAnswer<T>(url: string): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, { method: "GET", credentials: "same-origin", headers: { accept: "application/json" } });
  } catch {
    throw new ApiError(0, "network_error", "网络异常，点击重试");
  }
  const payload = (await response.json().catch(() => null)) as (T & { ok?: boolean; error?: string; message?: string }) | null;
  if (!response.ok || !payload || payload.ok === false) {
    throw new ApiError(response.status, payload?.error ?? "http_error", payload?.message ?? (response.status >= 500 ? "服务器异常，请稍后重试" : `请求失败（${response.status}）`));
  }
  return payload;
}

/** The member's orders, newest first. */
export const fetchMemberOrders = (memberNo: string, params: { page: number; pageSize: number }) =>
  api.paged<MemberOrder>(at(`/members/${seg(memberNo)}/orders${query(params)}`));

/** The member's growth or points changes, newest first, with all the member's level changes. */
export async function fetchMemberLedger(memberNo: string, params: { account?: LedgerAccount; page: number; pageSize: number }): Promise<LedgerPage> {
  const answer = await getAnswer<Partial<LedgerPage>>(at(`/members/${seg(memberNo)}/ledger${query(params)}`));
  const data = answer.data ?? [];
  return { data, pagination: answer.pagination ?? { page: 1, pageSize: data.length, total: data.length }, levelChanges: answer.levelChanges ?? [] };
}

/** The benefits of the member's level and the member's claims. */
export const fetchMemberBenefits = (memberNo: string) => api.get<MemberBenefit[]>(at(`/members/${seg(memberNo)}/benefits`));

/** Claim a benefit for the member; answers the redemption code. */
export const claimBenefit = (memberNo: string, benefitCode: string) =>
  api.post<{ benefitCode: string; code: string; redeemBy: string }>(at(`/members/${seg(memberNo)}/benefits/${seg(benefitCode)}/claim`));

/** Redeem (核销) a claimed benefit by its 10-character code. */
export const redeemBenefit = (code: string, storeId?: string) =>
  api.post<{ code: string; benefitCode: string; memberNo: string | null }>(at("/benefits/redeem"), storeId ? { code, storeId } : { code });

/** Spend points; the request id makes a retry harmless. */
export const spendPoints = (memberNo: string, body: { amount: number; requestId: string; reason: string }) =>
  api.post<{ memberNo: string; points: number; replayed: boolean }>(at(`/members/${seg(memberNo)}/points/spend`), body);

/** A WeCom customer with the follows (guides) and their tags. */
export const fetchCustomer = (externalUserId: string) => api.get<Customer>(at(`/customers/${seg(externalUserId)}`));

/** Why rules tagged a customer. */
export const fetchTagReasons = (externalUserId: string) => api.get<TagReason[]>(at(`/customers/${seg(externalUserId)}/tag-reasons`));

/** The program in force. */
export const fetchProgram = () => api.get<ProgramState>(at("/program"));

/** Save a new version of the program. */
export const saveProgram = (program: Program) => api.put<{ version: number; program: Program }>(at("/program"), program);

/** Saved versions, newest first. */
export const fetchProgramHistory = () => api.get<ProgramVersion[]>(at("/program/history"));

/** Corp tag groups and their tags. */
export const fetchTagGroups = () => api.get<TagGroup[]>(at("/tag-groups"));

/** Create a tag group with its first tags (in WeCom). */
export const createTagGroup = (groupName: string, tags: string[]) =>
  api.post<{ groupId: string }>(at("/tag-groups"), { groupName, tags: tags.map((name) => ({ name })) });

/** Add tags to a group (in WeCom). */
export const addTags = (groupId: string, tags: string[]) =>
  api.post<{ groupId: string }>(at(`/tag-groups/${seg(groupId)}/tags`), { tags: tags.map((name) => ({ name })) });

/** Rename a tag or a tag group (in WeCom). */
export const renameTag = (id: string, name: string) => api.patch<{ id: string }>(at(`/tags/${seg(id)}`), { name });

/** Delete tags and/or whole groups (in WeCom). */
export const deleteTags = (body: { tagIds?: string[]; groupIds?: string[] }) =>
  api.post<{ deleted: number }>(at("/tags/delete"), { tagIds: body.tagIds ?? [], groupIds: body.groupIds ?? [] });

/** Auto-tag rules. */
export const fetchTagRules = () => api.get<TagRule[]>(at("/tag-rules"));

/** Create an auto-tag rule. */
export const createTagRule = (body: TagRuleBody) => api.post<TagRule>(at("/tag-rules"), body);

/** Replace an auto-tag rule. */
export const updateTagRule = (id: string, body: TagRuleBody) => api.put<TagRule>(at(`/tag-rules/${seg(id)}`), body);

/** Delete an auto-tag rule. */
export const deleteTagRule = (id: string) => api.delete<{ id: string }>(at(`/tag-rules/${seg(id)}`));

/** Saved segments, newest change first. */
export const fetchSegments = (params: { q?: string; page: number; pageSize: number }) => api.paged<Segment>(at(`/segments${query(params)}`));

/** How many members a rule selects now. */
export const previewSegment = (rule: SegmentRule) => api.post<{ count: number }>(at("/segments/preview"), rule);

/** Save a new segment. */
export const createSegment = (body: SegmentBody) => api.post<Segment>(at("/segments"), body);

/** Replace a segment's name, description and rule. */
export const updateSegment = (id: string, body: SegmentBody) => api.put<Segment>(at(`/segments/${seg(id)}`), body);

/** Delete a segment. */
export const deleteSegment = (id: string) => api.delete<{ id: string; deleted: boolean }>(at(`/segments/${seg(id)}`));

/** The members a segment selects now. */
export const fetchSegmentMembers = (id: string, params: { page: number; pageSize: number }) =>
  api.paged<Member>(at(`/segments/${seg(id)}/members${query(params)}`));

/** Where the browser downloads a segment's Excel file (the session cookie goes along). */
export const segmentExportUrl = (id: string) => at(`/segments/${seg(id)}/export`);

/** Stores (departments), for filters and pickers. */
export const fetchStores = () => api.get<Store[]>(at("/stores"));

/** Employees matching a search, for the guide picker. */
export const fetchEmployees = (q: string): Promise<Paged<Employee>> => api.paged<Employee>(at(`/employees${query({ q, pageSize: 50 })}`));

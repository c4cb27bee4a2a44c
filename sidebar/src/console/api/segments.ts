// Segments (人群): saved rules over members, their live counts, members and exports.
import type { PresentedDeletion } from "@server/presenters/deletion";
import type { PresentedMember } from "@server/presenters/member";
import type { PresentedSegment, SegmentRule } from "@server/presenters/segment";
import { api, query } from "@shared/api";
import { consoleUrl, segment, type PageQuery } from "./base";

/** The body of `POST /segments` and `PUT /segments/:id`. */
export type SegmentBody = Pick<PresentedSegment, "name" | "description" | "rule">;

/** Saved segments, newest change first. */
export const fetchSegments = (params: PageQuery & { q?: string }) => api.paged<PresentedSegment>(consoleUrl(`/segments${query(params)}`));

/** How many members a rule selects now. */
export const previewSegment = (rule: SegmentRule) => api.post<{ count: number }>(consoleUrl("/segments/preview"), rule);

/** Save a new segment. */
export const createSegment = (body: SegmentBody) => api.post<PresentedSegment>(consoleUrl("/segments"), body);

/** Replace a segment's name, description and rule. */
export const updateSegment = (id: string, body: SegmentBody) => api.put<PresentedSegment>(consoleUrl(`/segments/${segment(id)}`), body);

/** Delete a segment. */
export const deleteSegment = (id: string) => api.delete<PresentedDeletion>(consoleUrl(`/segments/${segment(id)}`));

/** The members a segment selects now. */
export const fetchSegmentMembers = (id: string, params: PageQuery) => api.paged<PresentedMember>(consoleUrl(`/segments/${segment(id)}/members${query(params)}`));

/** Where the browser downloads a segment's Excel file (the session cookie goes along). */
export const segmentExportUrl = (id: string) => consoleUrl(`/segments/${segment(id)}/export`);

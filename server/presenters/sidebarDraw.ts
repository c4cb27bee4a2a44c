/** A draw the guide may invite the open chat's customer to (the sidebar's "发抽奖链接"). */
export interface SidebarDraw {
  id: string;
  name: string;
  /** ISO. */
  startsAt: string;
  endsAt: string;
}

/** A personal draw link and the message the sidebar sends with it. */
export interface SidebarDrawLink {
  url: string;
  /** ISO: when the link stops working. */
  expiresAt: string;
  title: string;
  desc: string;
  /** The same as plain text, for clients that send text only. */
  text: string;
}

/**
 * @param draw a running draw.
 * @returns the sidebar's shape.
 */
export function presentSidebarDraw(draw: { _id: unknown; name: string; startsAt: Date; endsAt: Date }): SidebarDraw {
  return { id: String(draw._id), name: draw.name, startsAt: draw.startsAt.toISOString(), endsAt: draw.endsAt.toISOString() };
}

import type Router from "@koa/router";
import { createRouter } from "../router.ts";
import { inputOf, validate } from "../../middlewares/validate.ts";
import { Event } from "../../models/Event.ts";
import { presentEvent } from "../../presenters/event.ts";
import { EventListSchema } from "./schema.ts";

/**
 * Console view of stored callback events, e.g. `?status=failed` to see what needs a person.
 *
 * @returns the router (mounted under /api/console).
 */
export function eventsRouter(): Router {
  const router = createRouter();
  router.get("/events", validate(EventListSchema), async (ctx) => {
    const { query } = inputOf(ctx, EventListSchema);
    const filter = {
      ...(query.status ? { status: query.status } : {}),
      ...(query.type ? { type: query.type } : {}),
    };
    const [events, total] = await Promise.all([
      Event.find(filter)
        .sort({ receivedAt: -1, _id: -1 })
        .skip((query.page - 1) * query.pageSize)
        .limit(query.pageSize)
        .lean(),
      Event.countDocuments(filter),
    ]);
    ctx.body = {
      data: events.map(presentEvent),
      pagination: { page: query.page, pageSize: query.pageSize, total },
    };
  });
  return router;
}

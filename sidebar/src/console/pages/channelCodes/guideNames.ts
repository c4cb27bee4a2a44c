// Guides' names for the channel-code pages. Codes carry WeCom user ids only, and the directory
// has no lookup by id list, so each unknown id is searched once (it matches the account exactly)
// and remembered for the whole console session.
import type { PresentedEmployee } from "@server/presenters/employee";
import { reactive } from "vue";
import { fetchEmployees } from "../../api/org";

const names = reactive(new Map<string, string>());
const asked = new Set<string>();

/** Remember names the page already has (a picker's search results). */
export function rememberGuides(employees: PresentedEmployee[]): void {
  for (const employee of employees) {
    names.set(employee.userId, employee.name || employee.userId);
  }
}

/**
 * Look up the names of these guides in the background; `guideName` turns reactive as they come.
 *
 * @param userIds WeCom user ids.
 */
export function loadGuideNames(userIds: Iterable<string>): void {
  for (const userId of new Set(userIds)) {
    if (asked.has(userId) || names.has(userId)) {
      continue;
    }
    asked.add(userId);
    fetchEmployees({ page: 1, pageSize: 20, q: userId })
      .then((found) => {
        rememberGuides(found.data);
        if (!names.has(userId)) {
          // Left the company or outside a manager's stores: say so rather than show a bare account.
          names.set(userId, `未知导购（${userId}）`);
        }
      })
      .catch(() => asked.delete(userId));
  }
}

/** A guide's name, or their account until the name is in. */
export const guideName = (userId: string) => names.get(userId) ?? userId;

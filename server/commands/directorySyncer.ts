import { UnprocessableError, WeComApiError } from "../errors.ts";
import { Department } from "../models/Department.ts";
import { Employee } from "../models/Employee.ts";
import type { ContactEvent } from "../wecom/callbackEvent.ts";
import type { WeComClient } from "../wecom/client.ts";
import directoryUpdater from "./directoryUpdater.ts";

// Which APIs (wecom-reference §5.1, §3.2): the self-built app's secret ("agent") can read
// department/simplelist, department/get, user/simplelist and user/get within the app's visible
// range. user/list_id would list everyone in one cursor walk but works with the 通讯录同步 secret
// only, which we do not hold; department/list is documented as slow. So: simplelist + get for
// departments, user/simplelist per department for who is where, then user/get per member for
// position and status (simplelist has neither). That is one call per department and two per
// member, well inside the 10,000/min per-API limit (§3.3) for a retail corp; calls run a few at
// a time so a big directory does not burst into the concurrency limit (45033).
const SECRET = { secret: "agent" } as const;
const CONCURRENCY = 5;
// §3.4: userid not found.
const USER_NOT_FOUND = 60111;

interface SimpleDepartment {
  id: number;
  parentid?: number;
  order?: number;
}

interface DepartmentDetail {
  id: number;
  name?: string;
  parentid?: number;
  order?: number;
}

interface SimpleUser {
  userid: string;
  name?: string;
  department?: number[];
}

interface UserDetail {
  userid: string;
  name?: string;
  department?: number[];
  main_department?: number;
  position?: string;
  alias?: string;
  status?: number;
}

interface Props {
  wecom: WeComClient;
  now: Date;
}

/** How many departments and employees WeCom listed (and we now hold as current). */
export interface DirectorySyncCounts {
  departments: number;
  employees: number;
}

/** Run `task` over `items`, at most `limit` at a time, keeping the input order in the answer. */
async function mapLimit<T, R>(items: T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** A member's details; null when they left between the list and this read (60111). */
async function userDetail(wecom: WeComClient, userid: string): Promise<UserDetail | null> {
  try {
    return await wecom.get<UserDetail>("/cgi-bin/user/get", { userid }, SECRET);
  } catch (error) {
    if (error instanceof WeComApiError && error.errcode === USER_NOT_FOUND) {
      return null;
    }
    throw error;
  }
}

/** The callback event the directory updater already understands, so both paths write alike. */
function contactEvent(fields: Partial<ContactEvent> & Pick<ContactEvent, "ChangeType">, now: Date): ContactEvent {
  return { ToUserName: "", FromUserName: "sys", CreateTime: Math.floor(now.getTime() / 1000), MsgType: "event", Event: "change_contact", ...fields };
}

/**
 * Read WeCom's directory (departments and members in the app's visible range) and make ours
 * match: upsert what is listed, mark what is no longer listed as deleted. Roles and store scopes
 * are ours, not WeCom's, and are never written here. Running it twice gives the same state.
 *
 * @param props the WeCom client and the clock.
 * @returns how many departments and employees WeCom listed.
 * @throws 422 when WeCom lists no department or no member (a visible range set to nobody must
 *   not mark the whole directory, admins included, as gone).
 */
export default async function directorySyncer({ wecom, now }: Props): Promise<DirectorySyncCounts> {
  const { department_id: listed = [] } = await wecom.get<{ department_id?: SimpleDepartment[] }>("/cgi-bin/department/simplelist", {}, SECRET);
  const departments = await mapLimit(listed, CONCURRENCY, async ({ id }) => {
    const { department } = await wecom.get<{ department: DepartmentDetail }>("/cgi-bin/department/get", { id }, SECRET);
    return department;
  });

  // A member in several departments is listed under each; one entry per userid is enough.
  const userIds = new Set<string>();
  await mapLimit(departments, CONCURRENCY, async ({ id }) => {
    const { userlist = [] } = await wecom.get<{ userlist?: SimpleUser[] }>("/cgi-bin/user/simplelist", { department_id: id }, SECRET);
    for (const user of userlist) {
      userIds.add(user.userid);
    }
  });
  const details = await mapLimit([...userIds], CONCURRENCY, (userid) => userDetail(wecom, userid));
  const users = details.filter((user): user is UserDetail => user !== null);

  if (departments.length === 0 || users.length === 0) {
    throw UnprocessableError("directory_empty", "directory: 企业微信未返回任何部门或成员，请检查应用的可见范围；本次未做任何修改");
  }

  for (const department of departments) {
    await directoryUpdater({
      event: contactEvent(
        {
          ChangeType: "update_party",
          Id: String(department.id),
          Name: department.name ?? "",
          ParentId: department.parentid === undefined ? undefined : String(department.parentid),
          Order: department.order === undefined ? undefined : String(department.order),
        },
        now,
      ),
    });
  }
  for (const user of users) {
    await directoryUpdater({
      event: contactEvent(
        {
          ChangeType: "update_user",
          UserID: user.userid,
          Name: user.name ?? "",
          Department: (user.department ?? []).join(","),
          MainDepartment: user.main_department === undefined ? undefined : String(user.main_department),
          Position: user.position ?? "",
          Alias: user.alias ?? "",
          Status: user.status === undefined ? undefined : String(user.status),
        },
        now,
      ),
    });
  }

  await Department.updateMany({ departmentId: { $nin: departments.map((department) => department.id) }, deleted: false }, { $set: { deleted: true } });
  await Employee.updateMany({ userId: { $nin: users.map((user) => user.userid) }, deleted: false }, { $set: { deleted: true } });
  return { departments: departments.length, employees: users.length };
}

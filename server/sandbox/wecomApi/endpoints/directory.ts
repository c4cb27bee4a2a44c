import { z } from "zod";
import { SandboxDepartment, SandboxUser } from "../../models/index.ts";
import { endpoint, ERR, queryInt, wecomError, type Endpoint } from "../endpoint.ts";

// A member who left (status 5) is gone from WeCom's directory: user/get answers 60111.
const LEFT = 5;

/** user/get, user/simplelist, department/simplelist, department/get (wecom-reference §5.1). */
export const directoryEndpoints: Endpoint[] = [
  endpoint({
    method: "GET",
    path: "/cgi-bin/user/get",
    token: "any",
    input: z.object({ userid: z.string().optional() }),
    async handle({ userid }) {
      if (!userid) {
        throw wecomError(ERR.INVALID_USERID, "invalid userid");
      }
      const user = await SandboxUser.findById(userid).lean();
      if (!user || user.status === LEFT) {
        throw wecomError(ERR.USER_NOT_FOUND, `userid not found: ${userid}`);
      }
      // The sandbox app counts as created after 2022-06-20 (§5.1): no avatar, gender, mobile,
      // email, biz_mail, qr_code or address here.
      return {
        userid: user.userid,
        name: user.name,
        department: user.department,
        order: user.department.map(() => 0),
        position: user.position,
        is_leader_in_dept: user.department.map(() => 0),
        direct_leader: [],
        telephone: "",
        alias: user.alias,
        extattr: { attrs: [] },
        status: user.status,
        main_department: user.main_department,
        open_userid: user.open_userid,
        external_position: "",
        external_profile: { external_attr: [] },
      };
    },
  }),

  endpoint({
    method: "GET",
    path: "/cgi-bin/user/simplelist",
    token: "any",
    input: z.object({ department_id: queryInt.optional(), fetch_child: queryInt.optional() }),
    async handle({ department_id: departmentId, fetch_child: fetchChild }) {
      if (departmentId === undefined) {
        throw wecomError(ERR.INVALID_PARTY_ID, "invalid party id: department_id is missing");
      }
      const departments = await subtree(departmentId, fetchChild === 1);
      const users = await SandboxUser.find({}).sort({ _id: 1 }).lean();
      const listed = users.filter((user) => user.status !== LEFT && user.department.some((id) => departments.has(id)));
      return {
        userlist: listed.map((user) => ({
          userid: user.userid,
          name: user.name,
          department: user.department,
          open_userid: user.open_userid,
        })),
      };
    },
  }),

  endpoint({
    method: "GET",
    path: "/cgi-bin/department/simplelist",
    token: "any",
    input: z.object({ id: queryInt.optional() }),
    async handle({ id }) {
      const all = await SandboxDepartment.find({}).sort({ _id: 1 }).lean();
      const wanted = id === undefined ? null : await subtree(id, true);
      return {
        department_id: all
          .filter((department) => wanted === null || wanted.has(department.id))
          .map((department) => ({ id: department.id, parentid: department.parentid, order: department.order })),
      };
    },
  }),

  endpoint({
    method: "GET",
    path: "/cgi-bin/department/get",
    token: "any",
    input: z.object({ id: queryInt.optional() }),
    async handle({ id }) {
      const department = id === undefined ? null : await SandboxDepartment.findById(id).lean();
      if (!department) {
        throw wecomError(ERR.INVALID_PARTY_ID, `invalid party id: ${id ?? ""}`);
      }
      return {
        department: {
          id: department.id,
          name: department.name,
          name_en: department.name_en,
          department_leader: department.department_leader,
          parentid: department.parentid,
          order: department.order,
        },
      };
    },
  }),
];

/** The department and, when asked, every department below it; 60123 when it does not exist. */
async function subtree(rootId: number, withChildren: boolean): Promise<Set<number>> {
  const all = await SandboxDepartment.find({}, { id: 1, parentid: 1 }).lean();
  if (!all.some((department) => department.id === rootId)) {
    throw wecomError(ERR.INVALID_PARTY_ID, `invalid party id: ${rootId}`);
  }
  const found = new Set([rootId]);
  for (let grew = withChildren; grew; ) {
    grew = false;
    for (const department of all) {
      if (!found.has(department.id) && found.has(department.parentid)) {
        found.add(department.id);
        grew = true;
      }
    }
  }
  return found;
}

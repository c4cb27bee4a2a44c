// The directory the campaign tests count in: the brand (root 1) → region 华东区 (10) → stores 101
// 静安店 and 102 徐汇店; store 201 旗舰店 sits right under the root (so it has no region).
import { Department } from "../../server/models/Department.ts";
import { Employee } from "../../server/models/Employee.ts";

/**
 * @param guides each guide's userid, name and store (main department).
 */
export async function aRegionWithStores(guides: [string, string, number][]): Promise<void> {
  await Department.create([
    { departmentId: 1, name: "品牌", parentId: 0 },
    { departmentId: 10, name: "华东区", parentId: 1 },
    { departmentId: 101, name: "静安店", parentId: 10 },
    { departmentId: 102, name: "徐汇店", parentId: 10 },
    { departmentId: 201, name: "旗舰店", parentId: 1 },
  ]);
  await Employee.create(guides.map(([userId, name, store]) => ({ userId, name, mainDepartmentId: store, departmentIds: [store] })));
}

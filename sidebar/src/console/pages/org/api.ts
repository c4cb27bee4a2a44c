// Organisation endpoints of /api/console (see docs/sidebar-api.md, "Console additions").
import { api, query } from "@shared/api";
import type { Role } from "../../session";

export interface Store {
  id: string;
  name: string;
  parentId: string | null;
  employeeCount: number;
}

export interface Employee {
  userId: string;
  name: string;
  position: string;
  storeIds: string[];
  storeNames: string[];
  role: Role;
  scopeStoreIds: string[];
  /** WeCom member status: 1 active, 2 disabled, 4 not activated, 5 left. */
  status: number | string;
}

export interface EmployeeQuery {
  q?: string;
  storeId?: string;
  role?: Role | "";
  page: number;
  pageSize: number;
}

export const orgApi = {
  // Department ids are numbers in WeCom; the console compares them as strings everywhere.
  stores: async (): Promise<Store[]> =>
    (await api.get<Store[]>("/api/console/stores")).map((store) => ({ ...store, id: String(store.id), parentId: store.parentId === null || store.parentId === undefined ? null : String(store.parentId) })),
  employees: (params: EmployeeQuery) => api.paged<Employee>(`/api/console/employees${query({ ...params })}`),
  syncDirectory: () => api.post<{ departments: number; employees: number }>("/api/console/directory/sync"),
  setRole: (userId: string, body: { role: Role; scopeStoreIds: string[] }) =>
    api.put<Employee>(`/api/console/employees/${encodeURIComponent(userId)}/role`, body),
};

const STATUS_LABELS: Record<string, string> = { "1": "已激活", "2": "已禁用", "4": "未激活", "5": "已退出" };

/** The label of a WeCom member status (numbers from WeCom, or a word the server chose). */
export function statusLabel(status: Employee["status"]): string {
  return STATUS_LABELS[String(status)] ?? String(status ?? "");
}

export interface StoreNode extends Store {
  children: StoreNode[];
}

/** Departments as a tree: roots are those whose parent is absent from the list. */
export function storeTree(stores: Store[]): StoreNode[] {
  const nodes = new Map<string, StoreNode>(stores.map((store) => [store.id, { ...store, children: [] }]));
  const roots: StoreNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.parentId === null ? undefined : nodes.get(node.parentId);
    if (parent && parent !== node) {
      parent.children.push(node);
    } else {
      roots.push(node);
    }
  }
  return roots;
}

// Departments as the tree WeCom keeps them in, for the organisation page.
import type { PresentedStore } from "@server/presenters/store";

export interface StoreNode extends PresentedStore {
  children: StoreNode[];
}

/**
 * @param stores departments, each naming its parent.
 * @returns the tree; roots are those whose parent is absent from the list (a manager sees only their stores).
 */
export function storeTree(stores: PresentedStore[]): StoreNode[] {
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

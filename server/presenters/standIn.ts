/** The chats the JS-SDK stand-in offers a guide to open (development and test only). */
export interface PresentedDevContexts {
  customers: { externalUserId: string; name: string }[];
  groups: { chatId: string; name: string }[];
}

/**
 * @param customers the guide's customers.
 * @param groups the guide's groups.
 * @returns the public shape.
 */
export function presentDevContexts(customers: { externalUserId: string; name: string }[], groups: { chatId: string; name: string }[]): PresentedDevContexts {
  return {
    customers: customers.map((customer) => ({ externalUserId: customer.externalUserId, name: customer.name })),
    groups: groups.map((group) => ({ chatId: group.chatId, name: group.name })),
  };
}

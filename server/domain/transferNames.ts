// The names a transfer list shows instead of ids, shared by the command that reads them and the presenter.
/** Names of the people, customers, groups and stores on a page, read once by the route. */
export interface TransferNames {
  employee(userId: string): string;
  customer(externalUserId: string): string;
  group(chatId: string): string;
  store(storeId: string | null): string;
}

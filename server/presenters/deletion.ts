export interface PresentedDeletion {
  id: string;
  deleted: true;
}

/**
 * What a DELETE answers: the id that is gone.
 *
 * @param id the deleted record's id.
 * @returns the public shape.
 */
export function presentDeletion(id: string): PresentedDeletion {
  return { id, deleted: true };
}

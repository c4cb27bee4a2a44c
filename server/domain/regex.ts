// Searches by a person's words ($regex on names and texts) must match the words literally: "a.b"
// or "(VIP" are text, not patterns, and an unbalanced one would otherwise be a 500.

/**
 * @param text what a person typed.
 * @returns a pattern that matches exactly that text.
 */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

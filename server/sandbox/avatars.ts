// Avatars of the sandbox's people, drawn by the sandbox itself: made-up URLs on WeCom's image hosts
// would send the newcomer's browser off the machine.

// WeCom userids and external_userids: letters, digits and a few marks, never "%" or "/".
const AVATAR_FILE = /^([A-Za-z0-9_.@-]{1,64})\.svg$/;

/**
 * @param origin the product's origin (the sandbox's routes live there).
 * @param seed whose avatar.
 * @returns the image URL.
 */
export function sandboxAvatar(origin: string, seed: string): string {
  return `${new URL(origin).origin}/sandbox/avatar/${encodeURIComponent(seed)}.svg`;
}

/**
 * The picture behind {@link sandboxAvatar}'s URL: the first letter on a colour of its own.
 *
 * @param file the URL's last segment, already decoded by the router (decoding it again threw on "%25").
 * @returns the SVG, or null when the name is not one our avatar URLs carry.
 */
export function drawAvatar(file: string): string | null {
  const seed = AVATAR_FILE.exec(file)?.[1];
  if (!seed) {
    return null;
  }
  const hue = [...seed].reduce((sum, char) => (sum * 31 + char.charCodeAt(0)) % 360, 7);
  const letter = (seed.replace(/^(wm|wo)/, "")[0] ?? "?").toUpperCase().replace(/[^A-Z0-9]/, "?");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="132" height="132"><rect width="132" height="132" fill="hsl(${hue},55%,62%)"/><text x="66" y="84" font-size="56" text-anchor="middle" fill="#fff" font-family="sans-serif">${letter}</text></svg>`;
}

// Permissions and scope, the Pitchly way: `scope` (even empty) caps one access token, never the grant.

/** v2 App permissions (documented) and the platform permissions seen in Pitchly's code (`records:read` is ours). */
export const ALL_PERMISSIONS = {
  v2: ["readData", "insertData", "updateData", "deleteData", "addFields", "readMembers"],
  platform: ["records:read", "records:update", "workspace_members:read", "teams:read"],
} as const;

export function parseScope(scope: string): string[] {
  return scope.split(/\s+/).filter(Boolean);
}

/**
 * What a token may do: the grant's permissions, capped by the requested scope when one was sent.
 * An empty scope keeps nothing: Pitchly's read-only token (reads need no permission here).
 */
export function capScope(granted: readonly string[], requested: string | null | undefined): string[] {
  if (requested === null || requested === undefined) return [...granted];
  const wanted = new Set(parseScope(requested));
  return granted.filter((p) => wanted.has(p));
}

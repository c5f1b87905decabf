// issueTokens(): a grant minted without consent, for tests and benchmarks, on the generation asked for.
import { capScope } from "./scope";
import type { Context } from "./state";
import type { Generation, MockTokenResponse } from "./types";

export function mintTokens(
  ctx: Context,
  opts: { clientId: string; userId?: string; generation?: Generation; scope?: string },
): MockTokenResponse {
  const client = ctx.directory.clients.get(opts.clientId);
  if (!client) throw new Error(`unknown clientId ${opts.clientId}`);
  const user = ctx.directory.users.get(opts.userId ?? ctx.directory.defaultUser.id);
  if (!user) throw new Error(`unknown userId ${opts.userId ?? ""}`);
  const generation = opts.generation ?? client.generation ?? "v2";
  const permissions = ctx.directory.permissionsOf(client, generation);
  const grant = {
    generation,
    clientId: client.clientId,
    userId: user.id,
    organizationId: user.organizationId,
    permissions,
    revoked: false,
  };
  const pair = ctx.registry.issuePair(grant, capScope(permissions, opts.scope));
  return {
    access_token: pair.access_token,
    refresh_token: pair.refresh_token,
    expires_in: pair.expires_in,
    token_type: "bearer",
    scope: pair.scope,
  };
}

// Who a GraphQL call acts as: a user through their token, or the app itself inside one organization.
import type { Context } from "./state";
import type { Generation } from "./types";

export interface Principal {
  clientId: string;
  /** Absent when the app acts as itself (app token, org JWT, v2 secretKey). */
  userId?: string;
  organizationId: string;
  permissions: string[];
}

/** A live access token of this generation, as the principal it stands for. */
export function principalOfToken(ctx: Context, token: string, generation: Generation): Principal | undefined {
  const record = ctx.registry.findAccess(token, generation);
  if (!record) return undefined;
  const { clientId, userId, organizationId } = record.grant;
  return { clientId, ...(userId !== undefined ? { userId } : {}), organizationId, permissions: record.permissions };
}

export function can(principal: Principal, ...needed: string[]): boolean {
  return needed.every((p) => principal.permissions.includes(p));
}

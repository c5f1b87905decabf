// Verifies Pitchly's self-signed organization token: a JWT, HS256, iss = the App's client id, signed with its secret.
// Node's HMAC is enough to verify one algorithm; the package signs with jose.
import { createHmac, timingSafeEqual } from "node:crypto";
import type { Directory } from "./directory";
import type { Principal } from "./principal";

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export const looksLikeJwt = (token: string): boolean => JWT_SHAPE.test(token);

function decode(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The app inside its own organization, or a reason the token is refused (never the token itself). */
export function verifyOrgJwt(directory: Directory, token: string, now = Date.now()): Principal | string {
  const [head = "", body = "", signature = ""] = token.split(".");
  const header = decode(head);
  const claims = decode(body);
  // Only HS256: accepting the header's choice of algorithm ("none", RS256 with the secret as a key) is the classic JWT hole.
  if (!header || header.alg !== "HS256" || !claims) return "malformed organization token";
  const client = typeof claims.iss === "string" ? directory.clients.get(claims.iss) : undefined;
  if (!client?.clientSecret) return "unknown issuer";
  const expected = createHmac("sha256", client.clientSecret).update(`${head}.${body}`).digest();
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return "bad signature";
  if (claims.exp !== undefined && !(typeof claims.exp === "number" && claims.exp * 1000 > now))
    return "organization token expired";
  if (typeof claims.nbf === "number" && claims.nbf * 1000 > now) return "organization token not yet valid";
  // Limits to workspaces and permissions exist but their claim names were never captured: full app permissions here.
  return {
    clientId: client.clientId,
    organizationId: directory.ownerOrganization(client),
    permissions: directory.permissionsOf(client, "platform"),
  };
}

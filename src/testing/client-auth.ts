// Client authentication at the token endpoint: secret in the body or HTTP Basic (RFC 6749 §2.3.1).
import { createHash, timingSafeEqual } from "node:crypto";
import type { MockClient } from "./types";

export type ClientAuth =
  | { ok: true; client: MockClient }
  | { ok: false; status: 400 | 401; error: "invalid_client" | "invalid_request"; description: string };

function sameSecret(a: string, b: string): boolean {
  // Hashing first gives equal lengths, so the comparison time says nothing about the secret.
  const ha = createHash("sha256").update(a).digest();
  const hb = createHash("sha256").update(b).digest();
  return timingSafeEqual(ha, hb);
}

function parseBasic(header: string): { id: string; secret: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  try {
    // RFC 6749 §2.3.1 form-encodes both parts before base64.
    const decode = (s: string): string => decodeURIComponent(s.replace(/\+/g, " "));
    return { id: decode(decoded.slice(0, colon)), secret: decode(decoded.slice(colon + 1)) };
  } catch {
    return undefined;
  }
}

const invalidClient = (description: string): ClientAuth => ({ ok: false, status: 401, error: "invalid_client", description });

export function authenticateClient(
  clients: ReadonlyMap<string, MockClient>,
  authorization: string | undefined,
  form: URLSearchParams,
): ClientAuth {
  const bodyId = form.get("client_id") ?? undefined;
  const bodySecret = form.get("client_secret") ?? undefined;
  let id = bodyId;
  let secret = bodySecret;
  if (authorization && /^Basic\s/i.test(authorization)) {
    const basic = parseBasic(authorization);
    if (!basic) return invalidClient("malformed Basic authorization header");
    if (bodySecret !== undefined) {
      return { ok: false, status: 400, error: "invalid_request", description: "use one client authentication method" };
    }
    if (bodyId !== undefined && bodyId !== basic.id) return invalidClient("client_id does not match the Basic credentials");
    id = basic.id;
    secret = basic.secret;
  }
  if (!id) return invalidClient("client authentication is required");
  const client = clients.get(id);
  if (!client) return invalidClient("unknown client");
  if (client.clientSecret === undefined) {
    // A public client has no secret; one sent anyway means the caller is confused about which client it is.
    return secret ? invalidClient("this client is public and has no secret") : { ok: true, client };
  }
  if (secret === undefined || !sameSecret(secret, client.clientSecret)) return invalidClient("client authentication failed");
  return { ok: true, client };
}

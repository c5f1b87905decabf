// Warns once, at startup, when codes, tokens or the client secret would cross the network unencrypted.
import type { Logger } from "pino";
import { PITCHLY_WARNINGS } from "../errors";
import type { Endpoints } from "./endpoints";

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK.test(hostname);
}

/** Plain http is fine on this machine (development, tests); anywhere else it exposes codes and secrets. */
function cleartext(url: string): boolean {
  const parsed = new URL(url);
  return (parsed.protocol === "http:" || parsed.protocol === "ws:") && !isLoopbackHost(parsed.hostname);
}

export function checkEndpoints(redirectUri: string, endpoints: Endpoints, logger: Logger): void {
  const named: Array<[string, string]> = [
    ["redirectUri", redirectUri],
    ["authorizeUrl", endpoints.authorizeUrl],
    ["tokenUrl", endpoints.tokenUrl],
    ["graphqlUrl", endpoints.graphqlUrl],
    ["subscriptionsUrl", endpoints.subscriptionsUrl],
  ];
  const plain = named.filter(([, url]) => cleartext(url)).map(([name]) => name);
  if (plain.length > 0) {
    logger.warn(
      { code: PITCHLY_WARNINGS.CLEARTEXT_HTTP, options: plain },
      "plain http to a non-loopback host: authorization codes, tokens and the client secret can be read on the network; use https",
    );
  }
}

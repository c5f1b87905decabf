// The default dispatcher for calls to Pitchly: keep-alive, and the corporate egress proxy from HTTP(S)_PROXY / NO_PROXY.
import { Agent, EnvHttpProxyAgent, type Dispatcher } from "undici";

const proxyVariables = ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"];

/** Is an egress proxy configured? (undici reads these once, when its agent is made.) */
export function proxyConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  return proxyVariables.some((name) => Boolean(env[name]));
}

/**
 * With a proxy configured, undici's EnvHttpProxyAgent (CONNECT tunnels, NO_PROXY matching, proxy
 * credentials from the URL as Proxy-Authorization); without one, a plain Agent, so the common case
 * pays nothing for proxy matching. NO_PROXY is undici's reading of it: exact hosts, `.suffix` domains,
 * `host:port`, `*`; loopback is not exempt unless listed.
 */
export function egressDispatcher(timeoutMs: number): Dispatcher {
  const options = {
    keepAliveTimeout: 30_000,
    connectTimeout: timeoutMs,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  };
  return proxyConfigured() ? new EnvHttpProxyAgent(options) : new Agent(options);
}

/** For the one startup log line: the proxy's origin with any user:password removed. */
export function describeProxy(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = proxyVariables.map((name) => env[name]).find(Boolean);
  if (!value) return undefined;
  try {
    const url = new URL(value);
    return `${url.protocol}//${url.host}`;
  } catch {
    return "(unparsable proxy URL)";
  }
}

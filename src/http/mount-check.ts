// Warns once when the login request shows a setup that cannot complete a sign-in: wrong mount path or host.
import type { Request } from "express";
import type { Logger } from "pino";
import { PITCHLY_WARNINGS } from "../errors";
import { isLoopbackHost } from "../pitchly/endpoint-self-check";

/**
 * Cheap by construction: each check runs on the first login request only. Both failures otherwise
 * surface much later, as a bare 404 on the callback or a state_mismatch, far from their cause.
 * The host check compares loopback names only (localhost, 127.0.0.1, [::1]): behind a proxy the Host
 * header is often the upstream's name, and warning there would be noise.
 */
export function createMountCheck(redirectUri: string, callbackRoute: string, logger: Logger): (req: Request) => void {
  const redirect = new URL(redirectUri);
  let pending = true;
  return function checkMount(req) {
    if (!pending) return;
    pending = false;
    const served = `${req.baseUrl}${callbackRoute}`;
    if (served.toLowerCase() !== redirect.pathname.toLowerCase()) {
      logger.warn(
        { code: PITCHLY_WARNINGS.MOUNT_MISMATCH, redirectPath: redirect.pathname, servedPath: served },
        `the router serves the callback at ${served} but redirectUri sends Pitchly's users to ${redirect.pathname}: set redirectUri's path to ${served} (or mount the router so that routes.callback lands on it)`,
      );
    }
    const host = req.hostname;
    const local = isLoopbackHost(host) && isLoopbackHost(redirect.hostname);
    if (local && host.toLowerCase() !== redirect.hostname.toLowerCase()) {
      logger.warn(
        { code: PITCHLY_WARNINGS.HOST_MISMATCH, requestHost: host, redirectHost: redirect.hostname },
        `sign-in started on ${host} but redirectUri is on ${redirect.hostname}: the session cookie of ${host} will not be sent to ${redirect.hostname}, so the callback fails with state_mismatch; open the app on ${redirect.hostname} (or change redirectUri)`,
      );
    }
  };
}

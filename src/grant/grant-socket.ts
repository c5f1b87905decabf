// One grant's websocket: every subscription of the grant multiplexed on it, re-authenticated after a 4403 or an expiry.
import type { Logger } from "pino";
import { PitchlyAuthError, isPitchlyAuthError } from "../errors";
import { createTransport, type SubscriptionClient } from "../pitchly/subscription-transport";
import { backoffMs } from "./reconnect-delay";

/** What a subscription needs from a grant: the same pair every client has, so any client type can plug in. */
export interface TokenSource {
  /** A token valid for at least the refresh leeway, refreshing first when needed. */
  getAccessToken(): Promise<string>;
  /** Rotates through the grant's single flight (shared with HTTP requests), or adopts a rotation just made. */
  refresh(): Promise<void>;
}

/** graphql-ws's Forbidden: Pitchly's answer to a bad or expired token. */
export const FORBIDDEN_CLOSE = 4403;
/** A token refused this soon after our own refresh minted it will not be saved by another refresh. */
const FRESH_REJECTION_MS = 2000;
/** A connection that stayed up this long was healthy: the next failure starts the backoff again. */
const HEALTHY_AFTER_MS = 5000;

export class GrantSocket {
  #source: TokenSource;
  #client: Promise<SubscriptionClient> | undefined;
  /** The token the current (or last) connection authenticated with. */
  #token: string | undefined;
  #rejected: string | undefined;
  #minted: { token: string; at: number } | undefined;
  #fatal: Error | undefined;
  #failures = 0;
  #healthy: NodeJS.Timeout | undefined;

  constructor(
    private readonly url: string,
    source: TokenSource,
    private readonly logger: Logger,
  ) {
    this.#source = source;
  }

  /** The newest subscriber's source: a later request's session is the fresher one to rotate through. */
  adopt(source: TokenSource): void {
    this.#source = source;
  }

  /** v2 reads the token from each field's `accessToken` argument: resubscriptions must carry the current one. */
  get token(): string | undefined {
    return this.#token;
  }

  /** Why the socket gave up for good (the grant is dead), if it did. */
  get fatal(): Error | undefined {
    return this.#fatal;
  }

  client(): Promise<SubscriptionClient> {
    this.#client ??= createTransport({
      url: this.url,
      accessToken: () => this.#authenticate(),
      shouldRetry: () => this.#fatal === undefined,
      retryWaitMs: () => backoffMs(++this.#failures),
      on: {
        connected: () => {
          clearTimeout(this.#healthy);
          this.#healthy = setTimeout(() => (this.#failures = 0), HEALTHY_AFTER_MS);
          this.#healthy.unref();
        },
        closed: (event) => {
          clearTimeout(this.#healthy);
          const code = (event as { code?: number }).code;
          if (code === FORBIDDEN_CLOSE) this.#rejected = this.#token;
          this.logger.debug({ closeCode: code }, "Pitchly subscription socket closed");
        },
      },
    });
    return this.#client;
  }

  /** Ends the socket and everything multiplexed on it. */
  async dispose(): Promise<void> {
    clearTimeout(this.#healthy);
    const client = this.#client;
    this.#client = undefined;
    if (client) await (await client.catch(() => undefined))?.dispose();
  }

  async #authenticate(): Promise<string | undefined> {
    try {
      let token = await this.#source.getAccessToken();
      if (token === this.#rejected) {
        if (this.#minted?.token === token && Date.now() - this.#minted.at < FRESH_REJECTION_MS) {
          throw new PitchlyAuthError("login_required", "Pitchly refused a freshly refreshed token on the subscription socket");
        }
        await this.#source.refresh();
        token = await this.#source.getAccessToken();
        this.#minted = { token, at: Date.now() };
      }
      this.#token = token;
      return token;
    } catch (err) {
      if (isPitchlyAuthError(err, "pitchly_unavailable")) {
        // Pitchly's token endpoint is down: connect unauthenticated, be refused, and try again after the backoff.
        this.logger.warn({ errorCode: err.code }, "could not refresh for the subscription socket; retrying");
        return undefined;
      }
      this.#fatal = err instanceof Error ? err : new Error(String(err));
      throw this.#fatal;
    }
  }
}

// Outbound HTTP to Pitchly: undici keep-alive pool (or the app's dispatcher), a hard timeout and a response-size cap.
import { EventEmitter } from "node:events";
import type { Dispatcher } from "undici";
import { egressDispatcher } from "./egress";

export type TransportFailure = "timeout" | "network" | "too_large";

/** The request never produced a complete answer; always worth retrying later. */
export class TransportError extends Error {
  constructor(
    readonly reason: TransportFailure,
    cause?: unknown,
  ) {
    super(`Pitchly request failed: ${reason}`, cause === undefined ? undefined : { cause });
    this.name = "TransportError";
  }
}

export interface HttpAnswer {
  status: number;
  contentType: string;
  body: string;
  /** The raw `Retry-After` header, for 429/503 answers. */
  retryAfter?: string;
}

/**
 * The whole exchange's deadline, as the EventEmitter signal undici accepts (`aborted` + an "abort" event):
 * an AbortController builds a transferable AbortSignal per call, which costs about a fifth of a token request.
 */
class Deadline extends EventEmitter {
  aborted = false;
  readonly timer: NodeJS.Timeout;

  constructor(ms: number) {
    super();
    this.timer = setTimeout(() => {
      this.aborted = true;
      this.emit("abort");
    }, ms);
    this.timer.unref();
  }
}

export class HttpClient {
  private readonly agent: Dispatcher;
  /** An app's own dispatcher is the app's to close. */
  private readonly ownsAgent: boolean;
  private readonly targets = new Map<string, { origin: string; path: string }>();

  constructor(
    private readonly timeoutMs: number,
    dispatcher?: Dispatcher,
  ) {
    this.agent = dispatcher ?? egressDispatcher(timeoutMs);
    this.ownsAgent = dispatcher === undefined;
  }

  async post(url: string, headers: Record<string, string>, body: string, maxBytes: number): Promise<HttpAnswer> {
    // One deadline for the whole exchange (undici's own timeouts only bound each phase), cleared as soon as
    // it is over: AbortSignal.timeout would keep a live timer per request for timeoutMs, a burst's worth of them.
    const deadline = new Deadline(this.timeoutMs);
    try {
      return await this.exchange(url, headers, body, maxBytes, deadline);
    } finally {
      clearTimeout(deadline.timer);
    }
  }

  private async exchange(
    url: string,
    headers: Record<string, string>,
    body: string,
    maxBytes: number,
    signal: Deadline,
  ): Promise<HttpAnswer> {
    let response: Dispatcher.ResponseData;
    try {
      // The agent directly, with the URL split once: undici's request(url) parses it again on every call.
      response = await this.agent.request({ ...this.target(url), method: "POST", headers, body, signal });
    } catch (err) {
      throw new TransportError(signal.aborted ? "timeout" : "network", err);
    }
    const declared = Number(response.headers["content-length"] ?? 0);
    if (declared > maxBytes) {
      response.body.destroy();
      throw new TransportError("too_large");
    }
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of response.body) {
        size += (chunk as Buffer).length;
        if (size > maxBytes) {
          response.body.destroy();
          throw new TransportError("too_large");
        }
        chunks.push(chunk as Buffer);
      }
    } catch (err) {
      if (err instanceof TransportError) throw err;
      throw new TransportError(signal.aborted ? "timeout" : "network", err);
    }
    const type = response.headers["content-type"];
    const retryAfter = response.headers["retry-after"];
    return {
      status: response.statusCode,
      contentType: (Array.isArray(type) ? type[0] : type) ?? "",
      body: Buffer.concat(chunks).toString("utf8"),
      ...(retryAfter !== undefined && { retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter }),
    };
  }

  /** Origin and path of each URL we post to (the token and GraphQL endpoints: a handful, fixed at setup). */
  private target(url: string): { origin: string; path: string } {
    let target = this.targets.get(url);
    if (!target) {
      const parsed = new URL(url);
      target = { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
      this.targets.set(url, target);
    }
    return target;
  }

  close(): Promise<void> {
    return this.ownsAgent ? this.agent.close() : Promise.resolve();
  }
}

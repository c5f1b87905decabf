// Outbound HTTP to Pitchly: undici keep-alive pool (or the app's dispatcher), a hard timeout and a response-size cap.
import { request, type Dispatcher } from "undici";
import { egressDispatcher } from "./egress";

export type TransportFailure = "timeout" | "network" | "too_large";

/** The request never produced a complete answer; always worth retrying later. */
export class TransportError extends Error {
  constructor(readonly reason: TransportFailure, cause?: unknown) {
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

export class HttpClient {
  private readonly agent: Dispatcher;
  /** An app's own dispatcher is the app's to close. */
  private readonly ownsAgent: boolean;

  constructor(private readonly timeoutMs: number, dispatcher?: Dispatcher) {
    this.agent = dispatcher ?? egressDispatcher(timeoutMs);
    this.ownsAgent = dispatcher === undefined;
  }

  async post(url: string, headers: Record<string, string>, body: string, maxBytes: number): Promise<HttpAnswer> {
    // The signal bounds the whole exchange; undici's own timeouts only bound each phase.
    const signal = AbortSignal.timeout(this.timeoutMs);
    let response: Awaited<ReturnType<typeof request>>;
    try {
      response = await request(url, { method: "POST", headers, body, dispatcher: this.agent, signal });
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

  close(): Promise<void> {
    return this.ownsAgent ? this.agent.close() : Promise.resolve();
  }
}

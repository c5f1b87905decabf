// Outbound HTTP to Pitchly: undici keep-alive pool, a hard timeout and a response-size cap.
import { Agent, request } from "undici";

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
}

export class HttpClient {
  private readonly agent: Agent;

  constructor(private readonly timeoutMs: number) {
    this.agent = new Agent({
      keepAliveTimeout: 30_000,
      connectTimeout: timeoutMs,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
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
    return {
      status: response.statusCode,
      contentType: (Array.isArray(type) ? type[0] : type) ?? "",
      body: Buffer.concat(chunks).toString("utf8"),
    };
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}

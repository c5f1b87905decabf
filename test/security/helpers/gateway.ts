// A real HTTP server in front of the local Pitchly's token endpoint that can misbehave on demand
// (error bodies, huge or trickling answers, redirects, lost responses), since faults only cover some of it.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type Misbehaviour =
  /** Answer this status and body instead of asking Pitchly. */
  | { kind: "answer"; status: number; body: string | Buffer; headers?: Record<string, string> }
  /** Chunked answer of `totalBytes` (no Content-Length), written with backpressure. */
  | { kind: "stream"; totalBytes: number }
  /** Headers at once, then one byte every `everyMs`, forever. */
  | { kind: "trickle"; everyMs: number }
  /** Accept the request and never answer. */
  | { kind: "hang" }
  /** Let Pitchly redeem the request, then drop the connection before its answer reaches the app. */
  | { kind: "lose-response" }
  /** Forward to Pitchly and hand its JSON answer through `edit` (a partial grant, an odd but legal answer). */
  | { kind: "rewrite"; edit: (answer: Record<string, unknown>) => Record<string, unknown> };

export interface Gateway {
  /** Point the app's `tokenUrl` here. */
  tokenUrl: string;
  /** Where requests are forwarded (the local Pitchly's token URL). */
  target: string;
  /** Misbehave for the next `times` requests (default: until changed). */
  set(next: Misbehaviour | undefined, times?: number): void;
  /** Bytes written by misbehaviours, requests received, and requests whose client hung up first. */
  stats: { requests: number; bytesWritten: number; clientGaveUp: number };
  /** Every form the app posted, in order (test memory only). */
  forms: URLSearchParams[];
  close(): Promise<void>;
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

export async function startGateway(target = ""): Promise<Gateway> {
  let current: Misbehaviour | undefined;
  let remaining = Infinity;
  const timers = new Set<NodeJS.Timeout>();
  const stats = { requests: 0, bytesWritten: 0, clientGaveUp: 0 };

  async function forward(gw: Gateway, req: IncomingMessage, body: Buffer): Promise<Response> {
    return fetch(gw.target, {
      method: "POST",
      headers: { "content-type": String(req.headers["content-type"] ?? ""), accept: "application/json" },
      body: body.toString("utf8"),
    });
  }

  function stream(res: ServerResponse, total: number): void {
    const chunk = Buffer.alloc(64 * 1024, "x");
    res.writeHead(200, { "content-type": "application/json" });
    const pump = () => {
      while (stats.bytesWritten < total && !res.destroyed) {
        stats.bytesWritten += chunk.length;
        if (!res.write(chunk)) return void res.once("drain", pump);
      }
      if (!res.destroyed) res.end();
    };
    pump();
  }

  function trickle(res: ServerResponse, everyMs: number): void {
    res.writeHead(200, { "content-type": "application/json" });
    res.write("{");
    const timer = setInterval(() => {
      if (res.destroyed) return void clearInterval(timer);
      stats.bytesWritten += 1;
      res.write(" ");
    }, everyMs);
    timers.add(timer);
  }

  const forms: URLSearchParams[] = [];
  const gw: Gateway = {
    tokenUrl: "",
    target,
    stats,
    forms,
    set(next, times = Infinity) {
      current = next;
      remaining = times;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearInterval(timer);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    stats.requests++;
    res.on("close", () => {
      if (!res.writableFinished) stats.clientGaveUp++;
    });
    const body = await readAll(req);
    forms.push(new URLSearchParams(body.toString("utf8")));
    const behaviour = remaining > 0 ? current : undefined;
    if (behaviour && --remaining <= 0) current = undefined;
    if (!behaviour) {
      const answer = await forward(gw, req, body);
      res.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "application/json" });
      return void res.end(Buffer.from(await answer.arrayBuffer()));
    }
    if (behaviour.kind === "answer") {
      res.writeHead(behaviour.status, { "content-type": "application/json", ...behaviour.headers });
      stats.bytesWritten += Buffer.byteLength(behaviour.body);
      return void res.end(behaviour.body);
    }
    if (behaviour.kind === "stream") return stream(res, behaviour.totalBytes);
    if (behaviour.kind === "trickle") return trickle(res, behaviour.everyMs);
    if (behaviour.kind === "hang") return;
    if (behaviour.kind === "rewrite") {
      const answer = await forward(gw, req, body);
      const json = (await answer.json()) as Record<string, unknown>;
      res.writeHead(answer.status, { "content-type": "application/json" });
      return void res.end(JSON.stringify(answer.status === 200 ? behaviour.edit(json) : json));
    }
    await (await forward(gw, req, body)).arrayBuffer();
    res.socket?.destroy();
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.socket?.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  gw.tokenUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth/token`;
  return gw;
}

// A tiny loopback HTTP server standing in for Pitchly's token and GraphQL endpoints in browser tests.
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface Recorded {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface Reply {
  status?: number;
  body: unknown;
  /** Send `body` as-is instead of JSON-encoding it. */
  raw?: boolean;
}

export interface LocalServer {
  url: string;
  requests: Recorded[];
  reply(next: Reply | ((req: Recorded) => Reply)): void;
  close(): Promise<void>;
}

export async function startLocalServer(): Promise<LocalServer> {
  const requests: Recorded[] = [];
  let handler: (req: Recorded) => Reply = () => ({ status: 500, body: { error: "no reply set" } });
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const recorded: Recorded = {
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      requests.push(recorded);
      const answer = handler(recorded);
      const payload = answer.raw ? String(answer.body) : JSON.stringify(answer.body);
      res.writeHead(answer.status ?? 200, {
        "Content-Type": answer.raw ? "text/html" : "application/json",
        Connection: "close",
      });
      res.end(payload);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    reply(next) {
      handler = typeof next === "function" ? next : () => next;
    },
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}

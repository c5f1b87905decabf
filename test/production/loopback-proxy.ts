// Test fixture: a small forward proxy on loopback (CONNECT tunnels and absolute-form requests) that records what crosses it.
import { createServer, request as httpRequest, type Server } from "node:http";
import { connect, type Socket } from "node:net";

export interface LoopbackProxy {
  url: string;
  /** Every CONNECT target (`host:port`) and absolute-form request line. */
  readonly requests: string[];
  /** The plain bytes clients sent (the local Pitchly is plain http, so a tunnel's contents are readable). */
  traffic(): string;
  close(): Promise<void>;
}

export async function startLoopbackProxy(opts: { credentials?: string } = {}): Promise<LoopbackProxy> {
  const requests: string[] = [];
  const chunks: string[] = [];
  const sockets = new Set<Socket>();
  const expected = opts.credentials && `Basic ${Buffer.from(opts.credentials).toString("base64")}`;
  const allowed = (header: string | undefined) => !expected || header === expected;

  const server: Server = createServer((req, res) => {
    if (!allowed(req.headers["proxy-authorization"])) {
      res.writeHead(407, { "Proxy-Authenticate": 'Basic realm="test"' }).end();
      return;
    }
    requests.push(`${req.method} ${req.url}`);
    const headers = { ...req.headers };
    delete headers["proxy-authorization"];
    const upstream = httpRequest(req.url!, { method: req.method, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    req.on("data", (chunk: Buffer) => chunks.push(chunk.toString("latin1")));
    req.pipe(upstream);
  });
  server.on("connect", (req, client: Socket, head: Buffer) => {
    sockets.add(client);
    if (!allowed(req.headers["proxy-authorization"])) {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\n\r\n');
      return;
    }
    requests.push(`CONNECT ${req.url}`);
    const [host, port] = (req.url ?? "").split(":");
    const target = connect(Number(port), host, () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (head.length > 0) target.write(head);
      target.pipe(client);
      client.pipe(target);
    });
    sockets.add(target);
    client.on("data", (chunk: Buffer) => chunks.push(chunk.toString("latin1")));
    const end = () => {
      client.destroy();
      target.destroy();
    };
    client.on("error", end).on("close", end);
    target.on("error", end).on("close", end);
  });
  server.on("connection", (socket: Socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    traffic: () => chunks.join(""),
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// A loopback server on raw `net` sockets, for answers no HTTP library would write: the test writes the
// bytes itself (status lines, headers, bodies cut short, silence). Each request's head (and a body of
// its Content-Length) is read, then `answer` gets the socket. Tracks the open sockets that carried a
// request, so a test can check that none is left once its calls have settled. (undici may also open a
// spare connection that never carries a request; its pool closes it after its keep-alive time, 4 s.)
import { createServer, type AddressInfo, type Server, type Socket } from "node:net";

export interface RawRequest {
  method: string;
  /** Request target as sent (path and query). */
  target: string;
  headers: Record<string, string>;
  body: Buffer;
  /** 1-based count of requests this server has read. */
  n: number;
}

export type RawAnswer = (socket: Socket, request: RawRequest) => void;

export interface RawServer {
  origin: string;
  baseUrl: string;
  requests: RawRequest[];
  /** Sockets open now that carried a request. */
  openSockets(): number;
  /** Sockets open now, spare connections included. */
  allSockets(): number;
  /** Resolves once no socket that carried a request is open (`all`: no socket at all), or rejects after `ms`. */
  drained(ms?: number, all?: boolean): Promise<void>;
  close(): Promise<void>;
}

export async function startRawServer(answer: RawAnswer): Promise<RawServer> {
  const requests: RawRequest[] = [];
  const sockets = new Set<Socket>();
  const busy = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => undefined);
    socket.once("close", () => {
      sockets.delete(socket);
      busy.delete(socket);
    });
    let buffer = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      const end = buffer.indexOf("\r\n\r\n");
      if (end < 0) return;
      const lines = buffer.subarray(0, end).toString("latin1").split("\r\n");
      const [method = "", target = ""] = (lines[0] ?? "").split(" ");
      const headers: Record<string, string> = {};
      for (const line of lines.slice(1)) {
        const colon = line.indexOf(":");
        if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const length = Number(headers["content-length"] ?? 0);
      if (buffer.length < end + 4 + length) return;
      socket.off("data", onData);
      busy.add(socket);
      const request: RawRequest = { method, target, headers, body: buffer.subarray(end + 4, end + 4 + length), n: requests.length + 1 };
      requests.push(request);
      try {
        answer(socket, request);
      } catch {
        socket.destroy();
      }
    };
    socket.on("data", onData);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    baseUrl: `${origin}/api/v1`,
    requests,
    openSockets: () => busy.size,
    allSockets: () => sockets.size,
    async drained(ms = 10_000, all = false) {
      const until = Date.now() + ms;
      const set = all ? sockets : busy;
      while (set.size > 0) {
        if (Date.now() > until) throw new Error(`${set.size} sockets still open after ${ms} ms`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Writes a status line, headers and (optionally) a body, leaving the socket open unless `end`. */
export function writeHead(socket: Socket, status: string, headers: Array<[string, string]>, body = "", end = false): void {
  const head = `HTTP/1.1 ${status}\r\n${headers.map(([n, v]) => `${n}: ${v}\r\n`).join("")}\r\n`;
  if (end) socket.end(head + body);
  else socket.write(head + body);
}

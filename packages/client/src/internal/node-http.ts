// The opt-in Node.js transport (`@peaka/api/node-http`): the fetch contract (url, init) -> Response, on
// node:http/https. fetch on Node 20 costs more per request than node:http does (see bench/RESULTS.md);
// the transport only needs a narrow part of fetch, kept here with fetch's behaviour:
// - the request: method, a header record, a string or byte body, a signal that aborts it (also while
//   the body is read);
// - redirects followed (at most 20; 303, and 301/302 after a POST, turn into a GET without body;
//   Authorization and Cookie are dropped when the redirect leaves the origin);
// - gzip, deflate and br answers decompressed (gzip and deflate asked for, as fetch on Node 20 does);
//   a compressed body cut short is an error (fetch on Node 20 ends it silently);
// - the answer as a web Response whose body is a ReadableStream (event streams stream).
// It talks to the network itself: a global fetch stub, undici's global dispatcher (a MockAgent, a
// ProxyAgent) and proxy environment variables are not seen by it. Modules come from
// process.getBuiltinModule, so a bundle for another runtime carries no Node import; where they are
// missing (Bun, Deno, browsers, Node before 20.16) it calls the runtime's fetch.
//
// Nothing here may throw outside the returned promise, whatever the server sends: the response
// callback is guarded (a bad Location, a status fetch cannot represent), every stream has its error
// listener for as long as it lives.

type NodeModules = {
  http: typeof import("node:http");
  https: typeof import("node:https");
  stream: typeof import("node:stream");
  zlib: typeof import("node:zlib");
};

let modules: NodeModules | null | undefined;
let agents: { http: import("node:http").Agent; https: import("node:https").Agent } | undefined;

/** Node's modules, when this is Node.js (not Bun or Deno, whose fetch is their fast path). */
function nodeModules(): NodeModules | null {
  if (modules !== undefined) return modules;
  const proc = (globalThis as { process?: { versions?: Record<string, string>; getBuiltinModule?: (id: string) => unknown } }).process;
  const isNode = typeof proc?.versions?.["node"] === "string" && !proc.versions["bun"] && !("Deno" in globalThis);
  const load = isNode ? proc?.getBuiltinModule : undefined;
  modules =
    typeof load === "function"
      ? {
          http: load("node:http") as NodeModules["http"],
          https: load("node:https") as NodeModules["https"],
          stream: load("node:stream") as NodeModules["stream"],
          zlib: load("node:zlib") as NodeModules["zlib"],
        }
      : null;
  return modules;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 20;
/** What a web Response accepts as a reason phrase. */
const REASON = /^[\t\x20-\x7e\x80-\xff]*$/;

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("This operation was aborted", "AbortError");
}

function noop(): void {}

/**
 * A Node stream as a web ReadableStream, with backpressure (the Node stream pauses while the web queue
 * is full). Cheaper than stream.Readable.toWeb. A response that ends before its end (a reset, an abort,
 * fewer bytes than its Content-Length) errors the stream, so a reader gets an error and never a
 * silently short body.
 */
function toWebStream(stream: import("node:stream").Readable, res: import("node:http").IncomingMessage): ReadableStream<Uint8Array> {
  let done = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const fail = (error?: unknown) => {
        if (done) return;
        done = true;
        controller.error(error ?? new TypeError("terminated: the connection closed before the body ended"));
      };
      stream.on("data", (chunk: Buffer) => {
        if (done) return;
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if ((controller.desiredSize ?? 1) <= 0) stream.pause();
      });
      stream.once("end", () => {
        if (done) return;
        done = true;
        controller.close();
      });
      // `on`, not `once`: a stream may report more than one error, and one without a listener throws.
      stream.on("error", fail);
      stream.once("close", () => fail());
      res.on("error", fail);
      res.once("aborted", () => fail());
    },
    pull() {
      stream.resume();
    },
    cancel() {
      done = true;
      stream.destroy();
      res.destroy();
    },
  });
}

/**
 * A fetch function on node:http/https, to pass as the `fetch` option:
 * `createPeakaClient({ apiKey, fetch: nodeHttpFetch })`. It sends string and byte bodies, follows
 * redirects, decompresses gzip, deflate and br answers and streams bodies as fetch does, at less cost
 * per request. It does not see a global fetch stub, undici's global dispatcher (MockAgent, ProxyAgent,
 * EnvHttpProxyAgent) or the proxy environment variables: it connects to the host itself. Outside
 * Node.js (Bun, Deno, browsers) and on Node.js before 20.16 it calls `globalThis.fetch`.
 */
export const nodeHttpFetch: typeof fetch = (input, init) => {
  if (!nodeModules()) return globalThis.fetch(input, init);
  try {
    const url = typeof input === "string" ? new URL(input) : input instanceof URL ? input : undefined;
    if (!url) return Promise.reject(new TypeError("nodeHttpFetch takes a URL string or a URL, not a Request"));
    return send(nodeModules() as NodeModules, url, init ?? {}, 0);
  } catch (error) {
    return Promise.reject(error);
  }
};

function send(m: NodeModules, url: URL, init: RequestInit, redirects: number): Promise<Response> {
  const secure = url.protocol === "https:";
  agents ??= { http: new m.http.Agent({ keepAlive: true }), https: new m.https.Agent({ keepAlive: true }) };
  const method = (init.method ?? "GET").toUpperCase();
  const headers: Record<string, string> = {};
  if (init.headers instanceof Headers) init.headers.forEach((value, name) => (headers[name] = value));
  else if (init.headers) for (const [name, value] of Object.entries(init.headers as Record<string, string>)) headers[name.toLowerCase()] = value;
  headers["accept-encoding"] ??= "gzip, deflate"; // what fetch asks for on Node 20 (br is still decoded)
  const body = init.body;
  const signal = init.signal ?? undefined;
  return new Promise<Response>((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortError(signal));
      return;
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      reject(new TypeError(`fetch failed: ${url.protocol} URLs are not fetched`));
      return;
    }
    const options = { method, headers, agent: secure ? agents!.https : agents!.http, ...(signal ? { signal } : {}) };
    const request = (secure ? m.https : m.http).request(url, options, (res) => {
      res.on("error", noop);
      try {
        answer(res);
      } catch (error) {
        // A header fetch cannot represent (a bad Location, a status outside 200-599): a failed request.
        res.destroy();
        reject(error instanceof TypeError ? error : new TypeError("fetch failed: the answer cannot be read", { cause: error }));
      }
    });
    const answer = (res: import("node:http").IncomingMessage) => {
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      if (REDIRECTS.has(status) && location !== undefined && init.redirect !== "manual") {
        res.resume();
        if (init.redirect === "error" || redirects >= MAX_REDIRECTS) {
          reject(new TypeError(init.redirect === "error" ? "unexpected redirect" : "redirect count exceeded"));
          return;
        }
        let next: URL;
        try {
          next = new URL(location, url);
        } catch (error) {
          throw new TypeError(`fetch failed: the redirect's Location is not a URL`, { cause: error });
        }
        const toGet = status === 303 ? method !== "HEAD" : (status === 301 || status === 302) && method === "POST";
        const nextHeaders = { ...headers };
        if (toGet) for (const name of ["content-type", "content-length", "content-encoding", "content-language", "content-location"]) delete nextHeaders[name];
        if (next.origin !== url.origin) for (const name of ["authorization", "cookie", "proxy-authorization"]) delete nextHeaders[name];
        const nextInit: RequestInit = { ...init, method: toGet ? "GET" : method, headers: nextHeaders };
        if (toGet) delete nextInit.body;
        send(m, next, nextInit, redirects + 1).then(resolve, reject);
        return;
      }
      if (status < 200 || status > 599) throw new TypeError(`fetch failed: invalid response status ${status}`);
      const responseHeaders = new Headers();
      const raw = res.rawHeaders;
      for (let i = 0; i < raw.length; i += 2) responseHeaders.append(raw[i] as string, raw[i + 1] as string);
      const empty = status === 204 || status === 205 || status === 304 || method === "HEAD";
      let stream: import("node:stream").Readable = res;
      const encoding = String(res.headers["content-encoding"] ?? "").trim().toLowerCase();
      if (!empty && (encoding === "gzip" || encoding === "x-gzip" || encoding === "deflate" || encoding === "br")) {
        // Each chunk is flushed on (streams stream); a compressed body that is cut short is an error
        // (the default finishFlush), never a silently short body.
        const flush = { flush: m.zlib.constants.Z_SYNC_FLUSH };
        const decoder =
          encoding === "br"
            ? m.zlib.createBrotliDecompress({ flush: m.zlib.constants.BROTLI_OPERATION_FLUSH })
            : encoding === "deflate"
              ? m.zlib.createInflate(flush)
              : m.zlib.createGunzip(flush);
        stream = m.stream.pipeline(res, decoder, noop);
      }
      const statusText = res.statusMessage && REASON.test(res.statusMessage) ? res.statusMessage : "";
      if (empty) {
        res.resume();
        resolve(new Response(null, { status, statusText, headers: responseHeaders }));
        return;
      }
      resolve(new Response(toWebStream(stream, res), { status, statusText, headers: responseHeaders }));
    };
    request.on("error", (error) => reject(signal?.aborted ? abortError(signal) : error));
    if (body === undefined || body === null) request.end();
    else if (typeof body === "string") request.end(body);
    else if (body instanceof ArrayBuffer) request.end(new Uint8Array(body));
    else if (ArrayBuffer.isView(body)) request.end(new Uint8Array(body.buffer, body.byteOffset, body.byteLength));
    else {
      request.destroy();
      reject(new TypeError("the Node.js transport sends string and byte bodies only"));
    }
  });
}

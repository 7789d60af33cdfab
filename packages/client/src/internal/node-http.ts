// The default transport on Node.js: the fetch contract (url, init) -> Response, on node:http/https.
// fetch on Node 20 costs 1.4-2.5x what node:http does for the same request (see bench/RESULTS.md); the
// transport only needs a narrow part of fetch, kept here with fetch's behaviour:
// - the request: method, a header record, a string or byte body, a signal that aborts it (also while
//   the body is read);
// - redirects followed (at most 20; 303, and 301/302 after a POST, turn into a GET without body;
//   Authorization and Cookie are dropped when the redirect leaves the origin);
// - gzip, deflate and br answers decompressed (gzip and deflate asked for, as fetch on Node 20 does);
// - the answer as a web Response whose body is a ReadableStream (event streams stream).
// It is used only on Node.js when no `fetch` option is given: modules come from
// process.getBuiltinModule, so bundles for other runtimes carry no Node import. Everywhere else (and
// with a `fetch` option) the transport calls fetch. The conformance matrix runs through both.

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

/** The default fetch function: the Node.js transport on Node, `globalThis.fetch` elsewhere. */
export function defaultFetch(): typeof fetch | undefined {
  return nodeModules() ? (nodeFetch as typeof fetch) : globalThis.fetch;
}

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("This operation was aborted", "AbortError");
}

/**
 * A Node stream as a web ReadableStream, with backpressure (the Node stream pauses while the web queue
 * is full). Cheaper than stream.Readable.toWeb. A response that ends before its end (a reset, an abort)
 * errors the stream, so a reader gets an error and never a silently short body.
 */
function toWebStream(stream: import("node:stream").Readable, res: import("node:http").IncomingMessage): ReadableStream<Uint8Array> {
  let done = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
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
      const fail = (error?: unknown) => {
        if (done) return;
        done = true;
        controller.error(error ?? new TypeError("terminated: the connection closed before the body ended"));
      };
      stream.once("error", fail);
      stream.once("close", () => fail());
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

/** fetch(url, init) for the transport's requests, on node:http/https. */
export function nodeFetch(input: string | URL, init: RequestInit = {}, redirects = 0): Promise<Response> {
  const m = nodeModules() as NodeModules;
  const url = typeof input === "string" ? new URL(input) : input;
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
    const options = { method, headers, agent: secure ? agents!.https : agents!.http, ...(signal ? { signal } : {}) };
    const request = (secure ? m.https : m.http).request(url, options, (res) => {
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      if (REDIRECTS.has(status) && location && init.redirect !== "manual") {
        res.resume();
        if (init.redirect === "error" || redirects >= MAX_REDIRECTS) {
          reject(new TypeError(`redirect ${init.redirect === "error" ? "not allowed" : "count exceeded"}`));
          return;
        }
        const next = new URL(location, url);
        const toGet = status === 303 ? method !== "HEAD" : (status === 301 || status === 302) && method === "POST";
        const nextHeaders = { ...headers };
        if (toGet) for (const name of ["content-type", "content-length", "content-encoding", "content-language", "content-location"]) delete nextHeaders[name];
        if (next.origin !== url.origin) for (const name of ["authorization", "cookie", "proxy-authorization"]) delete nextHeaders[name];
        const nextInit: RequestInit = { ...init, method: toGet ? "GET" : method, headers: nextHeaders };
        if (toGet) delete nextInit.body;
        nodeFetch(next, nextInit, redirects + 1).then(resolve, reject);
        return;
      }
      const responseHeaders = new Headers();
      const raw = res.rawHeaders;
      for (let i = 0; i < raw.length; i += 2) responseHeaders.append(raw[i] as string, raw[i + 1] as string);
      const empty = status === 204 || status === 205 || status === 304 || method === "HEAD";
      let stream: import("node:stream").Readable = res;
      const encoding = String(res.headers["content-encoding"] ?? "").trim().toLowerCase();
      if (!empty && (encoding === "gzip" || encoding === "x-gzip" || encoding === "deflate" || encoding === "br")) {
        const flush = { flush: m.zlib.constants.Z_SYNC_FLUSH, finishFlush: m.zlib.constants.Z_SYNC_FLUSH };
        const decoder =
          encoding === "br"
            ? m.zlib.createBrotliDecompress({ flush: m.zlib.constants.BROTLI_OPERATION_FLUSH, finishFlush: m.zlib.constants.BROTLI_OPERATION_FLUSH })
            : encoding === "deflate"
              ? m.zlib.createInflate(flush)
              : m.zlib.createGunzip(flush);
        stream = m.stream.pipeline(res, decoder, () => undefined);
      }
      if (empty) res.resume();
      const webBody = empty ? null : toWebStream(stream, res);
      resolve(new Response(webBody, { status, statusText: res.statusMessage ?? "", headers: responseHeaders }));
    });
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

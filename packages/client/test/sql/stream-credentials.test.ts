// A credential given as a function (an OAuth access token, say) is renewed after a 401 on the API calls
// of streamRows, and neither its old nor its new value ever reaches the storage host of the export files.
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createPeakaClient } from "../../src/client.js";
import type { ApiKeyContext } from "../../src/options.js";
import { streamRows } from "../../src/sql/index.js";

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((done) => s.close(done))));
});

async function listen(handler: (url: string, headers: IncomingHttpHeaders, method: string) => { status: number; type: string; body: string }): Promise<string> {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const { status, type, body } = handler(req.url!, req.headers, req.method!);
      res.writeHead(status, { "content-type": type }).end(body);
    });
  });
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("streamRows with an apiKey function", () => {
  it("renews the credential once after a 401 and never sends it to the export's download links", async () => {
    const stale = "oauth-access-token-expired-5Kd2";
    const fresh = "oauth-access-token-renewed-9Tx4";
    const storage: IncomingHttpHeaders[] = [];
    const storageOrigin = await listen((_url, headers) => {
      storage.push(headers);
      return { status: 200, type: "application/x-ndjson", body: '{"n":1}\n{"n":2}\n' };
    });
    const api: Array<string | undefined> = [];
    const apiOrigin = await listen((url, headers, method) => {
      api.push(headers.authorization);
      if (headers.authorization !== `Bearer ${fresh}`) return { status: 401, type: "application/json", body: '{"message":"token expired"}' };
      if (method === "POST") return { status: 202, type: "application/json", body: '{"id":"exp-1","status":"PENDING"}' };
      const file = { name: "part-0.jsonl", url: `${storageOrigin}/bucket/part-0.jsonl?X-Amz-Signature=s1` };
      return { status: 200, type: "application/json", body: JSON.stringify({ id: "exp-1", status: "SUCCEEDED", format: "JSONL", files: [file] }) };
    });
    let token = stale;
    const contexts: Array<ApiKeyContext | undefined> = [];
    const peaka = createPeakaClient({
      apiKey: (context) => {
        contexts.push(context);
        if (context?.refresh) token = fresh;
        return token;
      },
      baseUrl: `${apiOrigin}/api/v1`,
      maxRetries: 0,
    });
    const rows: unknown[] = [];
    for await (const row of streamRows(peaka, { projectId: "prj1", queryId: "815236047719302218" }, { wait: { interval: 1, maxInterval: 1 } })) rows.push(row);
    expect(rows).toEqual([{ n: 1 }, { n: 2 }]);
    expect(contexts.filter((c) => c?.refresh === true)).toHaveLength(1);
    expect(api[0]).toBe(`Bearer ${stale}`);
    expect(api.slice(1).every((a) => a === `Bearer ${fresh}`)).toBe(true);
    expect(storage).toHaveLength(1);
    for (const headers of storage) {
      expect(headers.authorization).toBeUndefined();
      expect(JSON.stringify(headers)).not.toContain(stale);
      expect(JSON.stringify(headers)).not.toContain(fresh);
    }
  });
});

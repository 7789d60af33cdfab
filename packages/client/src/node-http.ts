// @peaka/api/node-http: the opt-in transport on node:http/https, for programs that want its lower cost
// per request and do not need a global fetch stub, a global dispatcher or a proxy to see their calls.
//
//   import { createPeakaClient } from "@peaka/api";
//   import { nodeHttpFetch } from "@peaka/api/node-http";
//   const peaka = createPeakaClient({ apiKey, fetch: nodeHttpFetch });
export { nodeHttpFetch } from "./internal/node-http.js";

// @peaka/api as README snippets see it: the same package, except that the clients and cores they make
// talk to the simulator the test serves (unless a snippet names its own baseUrl).
import { createPeakaClient as realClient, createPeakaCore as realCore, type PeakaClientOptions } from "@peaka/api";
import { harness } from "./context.js";

export * from "@peaka/api";

const wired = (options: PeakaClientOptions = {}): PeakaClientOptions => ({ ...options, baseUrl: options.baseUrl ?? harness().baseUrl });

export const createPeakaClient: typeof realClient = (options) => realClient(wired(options));
export const createPeakaCore: typeof realCore = (options) => realCore(wired(options));

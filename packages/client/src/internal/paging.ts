// Paging on the operation functions: the one implementation behind `peaka.exports.list(...)` (await it
// for one page, `for await` over every item), the paged operation functions of a core, and the
// `iterate*` helpers. Which operations page, and how, comes from `x-peaka-paging` in the spec: the
// generator wraps each such operation in `paged(operation(...), paging)`, so a bundle that imports no
// paged operation carries none of this file.
//
// Paging rules, the same for every style: the next page starts after the items actually received
// (a server may send fewer than asked for, e.g. exports cap a page at 200); the end is an empty page
// or the API's own end signal, never a page shorter than asked for; a server that sends the same
// page or cursor again ends the loop with `PeakaPaginationError` instead of looping forever.
import { PeakaInvalidArgumentError, PeakaPaginationError } from "../errors.js";
import { SPEC, type Core, type OperationFunction, type WithResponse } from "./core.js";
import type { RequestOptions } from "./transport.js";
import { checkCount } from "./validate.js";

/** How one operation pages: its `x-peaka-paging` extension, with the page limits of its `limit`. */
export interface Paging {
  /** The operationId, named in errors. */
  readonly id: string;
  /**
   * How the pages follow each other, as a function (so that a bundle carries only the styles of the
   * operations it imports): `byOffset` (`limit`/`offset`, each page starting after the items received,
   * ending on an empty page), `byCursor` (a timestamp cursor such as `createdBefore`, newest first),
   * `byNextOffset` (the answer names the next page's offset, `null` on the last page).
   */
  readonly style: Style;
  /** Where `limit` and `offset` are sent: query parameters or fields of the JSON body. */
  readonly in: "query" | "body";
  /** The field of the answer that holds the items; left out, the answer is the array of items. */
  readonly items?: string;
  /** Items from several arrays of the answer, each yielded as `{ kind, match }` (kind -> field). */
  readonly kinds?: Readonly<Record<string, string>>;
  /** The field that identifies an item: one already yielded is not yielded again. */
  readonly key?: string;
  /** `cursor` style: the query parameter of the cursor. */
  readonly cursor?: string;
  /** `cursor` style: the field of an item that holds its instant (ISO-8601). */
  readonly at?: string;
  /** `next-offset` style: the dotted path of the next offset in the answer. */
  readonly next?: string;
  /** Only a body with this field pages (the query-builder form of executeQuery). */
  readonly needs?: string;
  /** The page size asked for when iterating without a `limit`; left out, Peaka's own default. */
  readonly size?: number;
  /** The smallest and largest `limit` the spec allows. */
  readonly min: number;
  readonly max?: number;
}

/** Options of `toArray`. */
export interface ToArrayOptions {
  /**
   * At most this many items (a whole number of 0 or more): reading stops, and no further page is
   * asked for, once that many have come. Default: every item.
   */
  max?: number | undefined;
}

/**
 * What a paged method returns (`peaka.exports.list(args)`, `listExports(core, args)`). Nothing is sent
 * until it is used. `await` it for one page, exactly the answer of that one request (the same promise
 * however often it is awaited); `for await` over it for every item across pages, each page asked for
 * as the loop reaches it (`break` stops without reading further; each loop starts from the first
 * page with its own requests); `toArray({ max })` for the items as an array.
 */
export interface PagePromise<Page, Item> extends Promise<Page>, AsyncIterable<Item> {
  [Symbol.asyncIterator](): AsyncGenerator<Item, void, undefined>;
  /** Every item across pages (or the first `max`), read page by page. */
  toArray(options?: ToArrayOptions): Promise<Item[]>;
}

/** A paged operation as a standalone function of a core. */
export interface PagedOperationFunction<A, R, Item> {
  (core: Core, args: A, options?: RequestOptions): PagePromise<R, Item>;
  /** Like awaiting the call (one page), but resolves with `{ data, response }`. */
  withResponse(core: Core, args: A, options?: RequestOptions): Promise<WithResponse<R>>;
}

/** A paged operation function whose argument may be left out. */
export interface OptionalArgsPagedOperationFunction<A, R, Item> extends PagedOperationFunction<A, R, Item> {
  (core: Core, args?: A, options?: RequestOptions): PagePromise<R, Item>;
  withResponse(core: Core, args?: A, options?: RequestOptions): Promise<WithResponse<R>>;
}

type Args = Record<string, unknown>;
type Fetch = (args: Args) => Promise<unknown>;
/** The arguments of the page at `offset`, `size` items long, with `extra` query parameters. */
type At = (offset: number | undefined, size: number | undefined, extra?: Args) => Args;
/** A paging style: the items of every page from `start`, `limit` a page (checked; `undefined`: the server's default). */
export type Style = (paging: Paging, get: Fetch, start: { args: Args; offset: number; limit: number | undefined; at: At }) => AsyncGenerator<unknown, void, undefined>;

/**
 * A promise (subclassed, so `instanceof Promise` holds and it can be passed wherever one is taken) whose
 * request is made on the first `then`, never by the constructor.
 */
class LazyPagePromise<Page, Item> extends Promise<Page> implements PagePromise<Page, Item> {
  // `then` on a derived promise (what `Promise.prototype.then` makes) is a plain Promise.
  static override get [Symbol.species]() {
    return Promise;
  }
  #first: Promise<Page> | undefined;
  readonly #page: () => Promise<Page>;
  readonly #items: () => AsyncGenerator<Item, void, undefined>;

  constructor(page: () => Promise<Page>, items: () => AsyncGenerator<Item, void, undefined>) {
    super((resolve) => resolve(undefined as Page));
    this.#page = page;
    this.#items = items;
  }

  #load(): Promise<Page> {
    return (this.#first ??= this.#page());
  }

  override then<A = Page, B = never>(
    onfulfilled?: ((value: Page) => A | PromiseLike<A>) | null,
    onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.#load().then(onfulfilled, onrejected);
  }

  override catch<B = never>(onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<Page | B> {
    return this.#load().catch(onrejected);
  }

  override finally(onfinally?: (() => void) | null): Promise<Page> {
    return this.#load().finally(onfinally);
  }

  [Symbol.asyncIterator](): AsyncGenerator<Item, void, undefined> {
    return this.#items();
  }

  async toArray(options: ToArrayOptions = {}): Promise<Item[]> {
    if (typeof options !== "object" || options === null) throw new PeakaInvalidArgumentError("toArray takes `{ max }` or nothing.");
    const max = checkCount("max", options.max, Infinity, 0);
    const out: Item[] = [];
    if (max === 0) return out;
    for await (const item of this.#items()) if (out.push(item) >= max) break;
    return out;
  }
}

const PAGING: unique symbol = Symbol("peaka.paging");

/** Makes a paged operation function of `fn` (one page per call, as before) with the paging of `paging`. */
export function paged(fn: OperationFunction<any, any>, paging: Paging): PagedOperationFunction<any, any, any> {
  const call = (core: Core, args?: Args, options?: RequestOptions) =>
    new LazyPagePromise(
      () => fn(core, args, options),
      () => items(paging, (page) => fn(core, page, options), args),
    );
  return Object.assign(call, { withResponse: fn.withResponse, [SPEC]: (fn as unknown as { [SPEC]: unknown })[SPEC], [PAGING]: paging });
}

/** The paging of a paged operation function. */
export function pagingOf(fn: unknown): Paging {
  return (fn as { [PAGING]: Paging })[PAGING];
}

/** A page size: a whole number within the operation's limits; `undefined` when none is given and the spec names no default. */
export function pageSize(paging: Paging, value: unknown, name: string): number | undefined {
  if (value === undefined && paging.size === undefined) return undefined;
  const size = checkCount(name, value, paging.size as number, paging.min);
  if (size < 1) throw new PeakaInvalidArgumentError(`\`${name}\` must be a whole number of 1 or more; got ${size}.`);
  if (paging.max !== undefined && size > paging.max) {
    throw new PeakaInvalidArgumentError(`\`${name}\` must be at most ${paging.max}, the largest page ${paging.id} serves; got ${size}.`);
  }
  return size;
}

const field = (value: unknown, path: string): unknown =>
  path.split(".").reduce<unknown>((at, key) => (typeof at === "object" && at !== null ? (at as Args)[key] : undefined), value);

function itemsOf(paging: Paging, page: unknown): unknown[] {
  if (paging.kinds) {
    const out: unknown[] = [];
    for (const kind in paging.kinds) {
      const list = field(page, paging.kinds[kind] as string) ?? [];
      if (!Array.isArray(list)) throw new PeakaPaginationError(paging.id, `\`${paging.kinds[kind]}\` of a page was not an array, so paging cannot go on.`);
      for (const match of list) out.push({ kind, match });
    }
    return out;
  }
  const list = paging.items ? field(page, paging.items) : page;
  if (!Array.isArray(list)) throw new PeakaPaginationError(paging.id, "a page was not an array, so paging cannot go on.");
  return list;
}

/** Every item of a paged operation, page by page. Bad arguments throw at the first step, before any request. */
export async function* items(paging: Paging, get: Fetch, args: Args | undefined): AsyncGenerator<any, void, undefined> {
  if (typeof args !== "object" || args === null) throw new PeakaInvalidArgumentError(`${paging.id} expects an object of arguments; got ${String(args)}.`);
  const inBody = paging.in === "body";
  const body = args["body"] as Args | undefined;
  if (inBody && (typeof body !== "object" || body === null)) throw new PeakaInvalidArgumentError(`Paging through ${paging.id} needs \`body\`.`);
  if (paging.needs && (body as Args)[paging.needs] === undefined) {
    throw new PeakaInvalidArgumentError(`Only a ${paging.id} body with \`${paging.needs}\` pages; send this one with \`await\` for its one answer.`);
  }
  const prefix = inBody ? "body." : "";
  const source = inBody ? (body as Args) : args;
  const limit = pageSize(paging, source["limit"], `${prefix}limit`);
  // The arguments of the page at `offset` (and `extra` query parameters), `limit` items long.
  const at = (offset: number | undefined, size: number | undefined, extra: Args = {}): Args => {
    const window = { ...(size !== undefined ? { limit: size } : {}), ...(offset !== undefined ? { offset } : {}) };
    return inBody ? { ...args, ...extra, body: { ...body, ...window } } : { ...args, ...extra, ...window };
  };
  const offset = checkCount(`${prefix}offset`, source["offset"], 0, 0);
  yield* paging.style(paging, get, { args, offset, limit, at });
}

/**
 * `limit`/`offset` pages, each starting after the items received; ends on an empty page. Items with an
 * identity (`key`) are not yielded twice; items without one (rows) are told from a repeated page by a
 * probe one item further on.
 */
export async function* byOffset(paging: Paging, get: Fetch, start: { offset: number; limit: number | undefined; at: At }): AsyncGenerator<unknown, void, undefined> {
  const { limit, at } = start;
  let offset = start.offset;
  if (paging.key !== undefined) {
    // Items with an identity: one seen on an earlier page (the list shifts when a new one is added
    // meanwhile) is not yielded twice; a page of only such items means the server ignores offset.
    const seen = new Set<unknown>();
    const key = paging.key;
    const idOf = (item: unknown) => (typeof item === "object" && item !== null ? (item as Args)[key] : undefined);
    while (true) {
      const page = itemsOf(paging, await get(at(offset, limit)));
      if (page.length === 0) return;
      const fresh = page.filter((item) => !(idOf(item) !== undefined && seen.has(idOf(item))));
      if (fresh.length === 0) throw new PeakaPaginationError(paging.id, `the page at offset ${offset} holds only items already read; the server seems to ignore offset.`);
      for (const item of fresh) if (idOf(item) !== undefined) seen.add(idOf(item));
      yield* fresh;
      offset += page.length;
    }
  }
  // Items without identity (rows), which may repeat (x, y, x, y): when a page equals the previous one
  // and holds at least two different items, the page one item further on is read once to tell a
  // server that ignores `offset` (the same page again) from repeating data (other items).
  let previous: readonly unknown[] | undefined;
  while (true) {
    const page = itemsOf(paging, await get(at(offset, limit)));
    if (page.length === 0) return;
    if (
      previous &&
      same(previous, page) &&
      page.some((item) => JSON.stringify(item) !== JSON.stringify(page[0])) &&
      same(itemsOf(paging, await get(at(offset + 1, limit))), page)
    ) {
      throw new PeakaPaginationError(paging.id, `the items at offset ${offset} and ${offset + 1} repeat the previous page; the server seems to ignore offset.`);
    }
    previous = page;
    yield* page;
    offset += page.length;
  }
}

function same(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (JSON.stringify(a[i]) !== JSON.stringify(b[i])) return false;
  return true;
}

/**
 * Newest first along a timestamp cursor: each next page asks for items created up to the instant of
 * the last one received (cursor = that instant plus 1 ms, with room in `limit` for the items of that
 * instant already read, which are not yielded again), so items that share an instant across a page
 * boundary are never skipped. Ends on an empty page, or a page that holds only items already read and
 * is shorter than asked for. When more items share one instant than the largest page holds, it
 * throws `PeakaPaginationError` instead of skipping or looping.
 */
export async function* byCursor(paging: Paging, get: Fetch, start: { args: Args; limit: number | undefined; at: At }): AsyncGenerator<unknown, void, undefined> {
  const { args, at } = start;
  const limit = start.limit as number;
  const name = paging.cursor as string;
  const stamp = paging.at as string;
  const key = paging.key as string;
  let cursor = args[name] as string | undefined;
  /** The instant (ms) of the last item yielded, and the ids yielded at that instant. */
  let instant: number | undefined;
  let ties = new Set<unknown>();
  const when = (item: unknown) => {
    const value = typeof item === "object" && item !== null ? (item as Args)[stamp] : undefined;
    return typeof value === "string" ? Date.parse(value) : Number.NaN;
  };
  const idOf = (item: unknown) => (typeof item === "object" && item !== null ? (item as Args)[key] : undefined);
  while (true) {
    const ask = Math.min(paging.max ?? Infinity, limit + ties.size);
    const page = itemsOf(paging, await get(at(undefined, ask, cursor !== undefined ? { [name]: cursor } : {})));
    if (page.length === 0) return;
    const fresh: unknown[] = [];
    for (const item of page) {
      if (instant !== undefined && when(item) > instant) {
        throw new PeakaPaginationError(paging.id, `asked for items with ${name} ${cursor}, got one of ${String((item as Args)[stamp])}: the server repeats the cursor's page.`);
      }
      if (!(idOf(item) !== undefined && ties.has(idOf(item)))) fresh.push(item);
    }
    if (fresh.length === 0) {
      if (page.length < ask) return;
      throw new PeakaPaginationError(
        paging.id,
        `${page.length} items share ${stamp} ${String((page[0] as Args)?.[stamp])}, as many as a page of ${ask} holds: the items after them cannot be asked for without skipping some.`,
      );
    }
    yield* fresh;
    const last = when(page[page.length - 1]);
    if (Number.isNaN(last)) throw new PeakaPaginationError(paging.id, `the last item of a page has no ${stamp}, so the next page cannot be asked for.`);
    if (last !== instant) ties = new Set();
    for (const item of page) if (when(item) === last && idOf(item) !== undefined) ties.add(idOf(item));
    instant = last;
    cursor = new Date(last + 1).toISOString();
  }
}

/** Follows the offset the answer names for the next page until it is `null` (or left out) or a page is empty. */
export async function* byNextOffset(paging: Paging, get: Fetch, start: { offset: number; limit: number | undefined; at: At }): AsyncGenerator<unknown, void, undefined> {
  const { limit, at } = start;
  let offset = start.offset;
  let previous: string | undefined;
  while (true) {
    const answer = await get(at(offset, limit));
    const page = itemsOf(paging, answer);
    if (page.length === 0) return;
    const fingerprint = JSON.stringify(page);
    if (fingerprint === previous) throw new PeakaPaginationError(paging.id, `the page at offset ${offset} repeats the previous page; the server seems to ignore offset.`);
    previous = fingerprint;
    yield* page;
    const next = field(answer, paging.next as string);
    if (next === null || next === undefined) return;
    if (typeof next !== "number" || !(next > offset)) {
      throw new PeakaPaginationError(paging.id, `nextOffset ${String(next)} does not move past offset ${offset}; paging would repeat pages.`);
    }
    offset = next;
  }
}

// The seeded sample data: a small shop with customers, orders and order items, generated from the
// simulator's seed (the same seed gives the same rows), built on first use.
import type { components } from "@peaka/api-types";
import { seededRandom } from "./random.js";

type Column = components["schemas"]["CatalogColumn"];
export type Row = Record<string, string | number | boolean | null>;

export interface SampleTable {
  name: string;
  columns: Column[];
  rowCount: number;
  /** The rows, generated on first call and kept. */
  rows(): Row[];
}

export const SHOP_SIZES = { customers: 500, orders: 2000, order_items: 5000 } as const;

const FIRST = ["Ada", "Bora", "Cem", "Dana", "Eli", "Funda", "Gus", "Hana", "Ivo", "Jale", "Kai", "Lena", "Mert", "Nia", "Omar", "Pia"];
const LAST = ["Aksoy", "Berg", "Costa", "Demir", "Evans", "Fischer", "Garcia", "Huber", "Ito", "Jensen", "Kaya", "Lopez"];
const COUNTRIES = ["TR", "DE", "US", "GB", "NL", "FR", "ES", "JP"];
const STATUSES = ["placed", "paid", "shipped", "delivered", "cancelled"];
const PRODUCTS = ["Mug", "T-shirt", "Notebook", "Sticker pack", "Hoodie", "Cap", "Poster", "Tote bag"];

const col = (name: string, dataType: string, isNotNull = true): Column => ({ name, dataType, displayName: name, isNotNull });

/** The shop's three tables; `seed` decides every value. */
export function shopTables(seed: number, epochMs: number): SampleTable[] {
  const day = 86_400_000;
  const iso = (ms: number) => new Date(ms).toISOString();
  const lazy = (make: () => Row[]) => {
    let rows: Row[] | undefined;
    return () => (rows ??= make());
  };
  const customers = lazy(() => {
    const r = seededRandom(seed ^ 0x1001);
    return Array.from({ length: SHOP_SIZES.customers }, (_, i) => {
      const first = FIRST[Math.floor(r() * FIRST.length)]!;
      const last = LAST[Math.floor(r() * LAST.length)]!;
      return {
        customer_id: i + 1,
        name: `${first} ${last}`,
        email: `${first}.${last}.${i + 1}@example.com`.toLowerCase(),
        country: COUNTRIES[Math.floor(r() * COUNTRIES.length)]!,
        created_at: iso(epochMs - Math.floor(r() * 720) * day),
      };
    });
  });
  const items = lazy(() => {
    const r = seededRandom(seed ^ 0x3003);
    return Array.from({ length: SHOP_SIZES.order_items }, (_, i) => {
      const quantity = 1 + Math.floor(r() * 4);
      return {
        order_item_id: i + 1,
        order_id: 1 + Math.floor(r() * SHOP_SIZES.orders),
        product: PRODUCTS[Math.floor(r() * PRODUCTS.length)]!,
        quantity,
        unit_price: Math.round((3 + r() * 57) * 100) / 100,
      };
    });
  });
  const orders = lazy(() => {
    const r = seededRandom(seed ^ 0x2002);
    const totals = new Map<number, number>();
    for (const it of items()) totals.set(it.order_id as number, (totals.get(it.order_id as number) ?? 0) + (it.quantity as number) * (it.unit_price as number));
    return Array.from({ length: SHOP_SIZES.orders }, (_, i) => {
      const status = STATUSES[Math.floor(r() * STATUSES.length)]!;
      const placed = epochMs - Math.floor(r() * 365 * 24) * 3_600_000;
      return {
        order_id: i + 1,
        customer_id: 1 + Math.floor(r() * SHOP_SIZES.customers),
        status,
        total: Math.round((totals.get(i + 1) ?? 0) * 100) / 100,
        placed_at: iso(placed),
        paid_at: status === "placed" || status === "cancelled" ? null : iso(placed + Math.floor(r() * 48) * 3_600_000),
      };
    });
  });
  return [
    {
      name: "customers",
      columns: [col("customer_id", "bigint"), col("name", "varchar"), col("email", "varchar"), col("country", "varchar"), col("created_at", "timestamp(3) with time zone")],
      rowCount: SHOP_SIZES.customers,
      rows: customers,
    },
    {
      name: "orders",
      columns: [
        col("order_id", "bigint"),
        col("customer_id", "bigint"),
        col("status", "varchar"),
        col("total", "double"),
        col("placed_at", "timestamp(3) with time zone"),
        col("paid_at", "timestamp(3) with time zone", false),
      ],
      rowCount: SHOP_SIZES.orders,
      rows: orders,
    },
    {
      name: "order_items",
      columns: [col("order_item_id", "bigint"), col("order_id", "bigint"), col("product", "varchar"), col("quantity", "integer"), col("unit_price", "double")],
      rowCount: SHOP_SIZES.order_items,
      rows: items,
    },
  ];
}

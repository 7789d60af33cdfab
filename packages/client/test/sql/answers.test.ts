// Row conversion against the execute answers of spec/answers: numeric cells as strings, doubles in
// scientific notation (as a live Peaka sent them) come out as numbers.
import { describe, expect, it } from "vitest";
import { rowsFromResult } from "../../src/sql/convert.js";
import { answer, loadAnswers } from "@peaka/mock/answers";

describe("rowsFromResult on real execute answers (spec/answers/executeQuery)", () => {
  it("reads a double in scientific notation as a number", () => {
    const { body } = answer("executeQuery", "double-in-scientific-notation");
    const { rows, columns } = rowsFromResult(body as never);
    expect(columns.map((c) => [c.key, c.type])).toEqual([["total", "double"]]);
    expect(rows).toEqual([{ total: 12547407.86 }]);
  });

  it("reads bigint and double cells sent as strings as numbers, booleans as they are", () => {
    const { rows } = rowsFromResult(answer("executeQuery", "numbers-as-strings").body as never);
    expect(rows).toEqual([
      { payment_id: 25001, amount: 669.74, paid: true },
      { payment_id: 25002, amount: 15000, paid: false },
    ]);
    for (const row of rows) {
      expect(typeof row["payment_id"]).toBe("number");
      expect(typeof row["amount"]).toBe("number");
    }
  });

  it("converts every successful execute fixture without leaving a numeric cell as text", () => {
    const ok = loadAnswers().filter((a) => a.operationId === "executeQuery").filter((a) => a.status === 200);
    expect(ok.length).toBeGreaterThanOrEqual(2);
    for (const a of ok) {
      const { rows, columns } = rowsFromResult(a.body as never);
      for (const row of rows) {
        for (const c of columns.filter((c) => c.type === "double" || c.type === "bigint")) {
          expect(typeof row[c.key], `${a.name}: ${c.key}`).toBe("number");
        }
      }
    }
  });
});

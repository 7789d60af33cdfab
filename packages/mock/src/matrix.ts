// The conformance matrix of the client's and the MCP server's tests: behaviours × entry points, each cell
// passed (its test ran to the end), not applicable, or failed (neither), printed as a table.

export class ConformanceMatrix {
  private readonly passed = new Set<string>();
  private readonly notApplicable = new Set<string>();

  constructor(
    private readonly behaviours: readonly string[],
    private readonly entries: readonly string[],
  ) {}

  /** Records that the cell's test ran to its end. `scope` separates tables (e.g. a transport). */
  pass(behaviour: string, entry: string, scope = ""): void {
    this.passed.add(key(scope, behaviour, entry));
  }

  /** Records that the behaviour does not apply to the entry point. */
  skip(behaviour: string, entry: string, scope = ""): void {
    this.notApplicable.add(key(scope, behaviour, entry));
  }

  /** The table: one row per behaviour, ✓ passed, ✗ failed, · does not apply. */
  format(title: string, corner: string, scope = ""): string {
    const width = Math.max(corner.length, ...this.behaviours.map((b) => b.length));
    const header = `${corner.padEnd(width)} | ${this.entries.join(" | ")}`;
    const rows = this.behaviours.map(
      (b) =>
        `${b.padEnd(width)} | ${this.entries
          .map((e) => {
            const id = key(scope, b, e);
            const mark = this.notApplicable.has(id) ? "·" : this.passed.has(id) ? "✓" : "✗";
            return mark.padStart(Math.ceil(e.length / 2)).padEnd(e.length);
          })
          .join(" | ")}`,
    );
    return `\n${title} (✓ passed, ✗ failed, · does not apply)\n${header}\n${"-".repeat(header.length)}\n${rows.join("\n")}\n`;
  }
}

function key(scope: string, behaviour: string, entry: string): string {
  return `${scope} | ${behaviour} | ${entry}`;
}

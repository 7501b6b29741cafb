import assert from "node:assert/strict";
import { probeTable, runProbe } from "../bench/probe.ts";

/** A markdown table row's cells, trimmed (deno fmt pads them). */
const cells = (row: string) => row.split("|").slice(1, -1).map((c) => c.trim()).join("|");

Deno.test("reliability probe: every crafted case is handled, and the README's table says so", async () => {
  const results = await runProbe({ seed: 1 });
  const bad = results.filter((r) => r.outcome !== "handled");
  assert.deepEqual(bad, [], bad.map((r) => `${r.outcome}: ${r.area}: ${r.name} — ${r.note}`).join("\n"));
  const readme = (await Deno.readTextFile(new URL("../README.md", import.meta.url))).split("\n")
    .filter((l) => l.startsWith("|")).map(cells);
  for (const row of probeTable(results).split("\n").slice(2)) {
    assert.ok(readme.includes(cells(row)), `README's reliability table lacks the probe's row:\n${row}`);
  }
});

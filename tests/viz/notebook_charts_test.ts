import assert from "node:assert/strict";

const NOTEBOOKS = new URL("../../notebooks/", import.meta.url).pathname;

/** Each `barChart(…)` / `lineChart(…)` call in a source text, from the name to its closing parenthesis. */
function chartCalls(source: string): string[] {
  const calls: string[] = [];
  for (const m of source.matchAll(/\b(?:barChart|lineChart)\(/g)) {
    let depth = 0, end = m.index;
    for (let i = m.index + m[0].length - 1; i < source.length; i++) {
      if (source[i] === "(") depth++;
      else if (source[i] === ")" && --depth === 0) {
        end = i + 1;
        break;
      }
    }
    calls.push(source.slice(m.index, end));
  }
  return calls;
}

Deno.test("every accuracy chart a notebook draws has its chance rule", async () => {
  const files = [...Deno.readDirSync(NOTEBOOKS)].filter((e) => e.name.endsWith(".ipynb")).map((e) => e.name);
  assert.ok(files.length > 0, "notebooks found");
  let accuracyCharts = 0;
  for (const file of files.sort()) {
    const nb = JSON.parse(await Deno.readTextFile(`${NOTEBOOKS}${file}`));
    nb.cells.forEach((cell: { cell_type: string; source: string | string[] }, k: number) => {
      if (cell.cell_type !== "code") return;
      const source = Array.isArray(cell.source) ? cell.source.join("") : cell.source;
      for (const call of chartCalls(source)) {
        if (!/\by:\s*"[^"]*accuracy[^"]*"/.test(call)) continue;
        accuracyCharts++;
        assert.match(
          call,
          /\bchance\s*[:,]/,
          `${file} cell ${k}: an accuracy chart without chance:\n${call}`,
        );
      }
    });
  }
  assert.ok(accuracyCharts >= 1, "notebook 05's split chart is found");
});

Deno.test("chartCalls finds a call whole, nested parentheses included", () => {
  const calls = chartCalls(
    `x; barChart(rows.map((r) => ({ a: f(r) })), { y: "test_accuracy" });\nlineChart(a, b)`,
  );
  assert.deepEqual(calls, [
    `barChart(rows.map((r) => ({ a: f(r) })), { y: "test_accuracy" })`,
    "lineChart(a, b)",
  ]);
});

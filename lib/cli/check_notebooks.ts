/**
 * Type-check the code cells of every notebook: the kernel does not type-check and `deno check` cannot read
 * .ipynb, so each notebook's code cells are joined into a temporary `.ts` beside it (so relative imports
 * resolve) and checked. Part of `deno task check`.
 *
 * @module
 */
const NOTEBOOKS = new URL("../../notebooks/", import.meta.url).pathname;

async function main(): Promise<number> {
  const files: string[] = [];
  for await (const e of Deno.readDir(NOTEBOOKS)) {
    if (e.isFile && e.name.endsWith(".ipynb")) files.push(e.name);
  }
  files.sort();
  const temps: string[] = [];
  try {
    for (const f of files) {
      const nb = JSON.parse(await Deno.readTextFile(`${NOTEBOOKS}${f}`));
      const cells = (nb.cells as { cell_type: string; source: string | string[] }[])
        .filter((c) => c.cell_type === "code")
        .map((c, i) => `// --- cell ${i}\n${Array.isArray(c.source) ? c.source.join("") : c.source}`);
      const tmp = `${NOTEBOOKS}.${f.replace(/\.ipynb$/, "")}.check.ts`;
      await Deno.writeTextFile(tmp, `// deno-lint-ignore-file\n${cells.join("\n\n")}\nexport {};\n`);
      temps.push(tmp);
    }
    if (!temps.length) return 0;
    const { code } = await new Deno.Command(Deno.execPath(), {
      args: ["check", ...temps],
      stdout: "inherit",
      stderr: "inherit",
    }).output();
    console.log(`notebook type-check: ${temps.length} notebooks, ${code === 0 ? "clean" : "errors above"}`);
    return code;
  } finally {
    for (const t of temps) await Deno.remove(t).catch(() => {});
  }
}

if (import.meta.main) Deno.exit(await main());

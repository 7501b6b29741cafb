/**
 * Check every notebook: formatting, and types of the code cells. Part of `deno task check`.
 * - Formatting (`--fix` rewrites what differs): `deno fmt --check` misreports .ipynb files as unformatted in a fresh checkout (Deno 2.9:
 *   even `deno fmt --check --ext ipynb -` says "Not formatted" for text that `deno fmt --ext ipynb -` returns
 *   unchanged), so deno.json leaves notebooks out of `fmt` and this compares each file with what
 *   `deno fmt --ext ipynb -` makes of it.
 * - Types: the kernel does not type-check and `deno check` cannot read .ipynb, so each notebook's code cells
 *   are joined into a temporary `.ts` beside it (so relative imports resolve) and checked.
 *
 * @module
 */
const NOTEBOOKS = new URL("../../notebooks/", import.meta.url).pathname;

/**
 * Names of the notebooks whose text differs from `deno fmt --ext ipynb -`'s output (run with the repo's
 * config); with `fix`, each is rewritten with that output instead.
 */
async function unformatted(files: string[], fix: boolean): Promise<string[]> {
  const bad: string[] = [];
  for (const f of files) {
    const text = await Deno.readFile(`${NOTEBOOKS}${f}`);
    const child = new Deno.Command(Deno.execPath(), {
      args: ["fmt", "--ext", "ipynb", "-"],
      cwd: NOTEBOOKS,
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const writer = child.stdin.getWriter();
    await writer.write(text);
    await writer.close();
    const { code, stdout } = await child.output();
    const same = stdout.length === text.length && stdout.every((b, i) => b === text[i]);
    if (code === 0 && !same && fix) await Deno.writeFile(`${NOTEBOOKS}${f}`, stdout);
    else if (code !== 0 || !same) bad.push(f);
  }
  return bad;
}

async function main(): Promise<number> {
  const files: string[] = [];
  for await (const e of Deno.readDir(NOTEBOOKS)) {
    if (e.isFile && e.name.endsWith(".ipynb")) files.push(e.name);
  }
  files.sort();
  const bad = await unformatted(files, Deno.args.includes("--fix"));
  for (const f of bad) console.error(`notebooks/${f}: not formatted (fix: deno task check-notebooks --fix)`);
  console.log(
    `notebook format: ${files.length} notebooks, ${bad.length ? `${bad.length} not formatted` : "clean"}`,
  );
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
    if (!temps.length) return bad.length ? 1 : 0;
    const { code } = await new Deno.Command(Deno.execPath(), {
      args: ["check", ...temps],
      stdout: "inherit",
      stderr: "inherit",
    }).output();
    console.log(`notebook type-check: ${temps.length} notebooks, ${code === 0 ? "clean" : "errors above"}`);
    return code || (bad.length ? 1 : 0);
  } finally {
    for (const t of temps) await Deno.remove(t).catch(() => {});
  }
}

if (import.meta.main) Deno.exit(await main());

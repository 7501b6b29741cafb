/**
 * `deno task notebooks`: execute every notebook in notebooks/ headless with the Deno kernel and fail on any
 * cell error or lost output. Executed copies go to `experiments/notebooks/`.
 *
 * Scale: notebooks read `CAM_SCALE` (quick by default here; set `CAM_SCALE=default` or `paper` for full runs).
 * Needs Debian's `jupyter-nbconvert python3-nbclient jupyter-client` (see README) and installs the Deno
 * kernelspec (`deno jupyter --install --force`) when it is missing.
 *
 * Usage: `deno task notebooks [NAME ...]` (names match file prefixes, e.g. `01 04`).
 *
 * @module
 */
const ROOT = new URL("../../", import.meta.url).pathname;
const PYTHON = "/usr/bin/python3";
const RUNNER = new URL("./_run_notebook.py", import.meta.url).pathname;

async function ensureKernel(): Promise<void> {
  const home = Deno.env.get("HOME") ?? "/root";
  const spec = `${home}/.local/share/jupyter/kernels/deno/kernel.json`;
  try {
    const kernel = JSON.parse(await Deno.readTextFile(spec));
    if (kernel.argv?.[0] === Deno.execPath()) return;
  } catch { /* missing */ }
  const { code } = await new Deno.Command(Deno.execPath(), { args: ["jupyter", "--install", "--force"] })
    .output();
  if (code !== 0) throw new Error("deno jupyter --install failed");
}

async function main(): Promise<number> {
  await ensureKernel();
  const names: string[] = [];
  for await (const e of Deno.readDir(`${ROOT}notebooks`)) {
    if (e.isFile && e.name.endsWith(".ipynb")) names.push(e.name);
  }
  names.sort();
  const wanted = Deno.args.filter((a) => !a.startsWith("-"));
  const chosen = wanted.length ? names.filter((n) => wanted.some((w) => n.startsWith(w))) : names;
  const outDir = `${ROOT}experiments/notebooks`;
  await Deno.mkdir(outDir, { recursive: true });
  let failed = 0;
  for (const name of chosen) {
    const t0 = performance.now();
    const { code } = await new Deno.Command(PYTHON, {
      args: [RUNNER, `${ROOT}notebooks/${name}`, `${outDir}/${name}`],
      env: { CAM_SCALE: Deno.env.get("CAM_SCALE") ?? "quick" },
      stdout: "inherit",
      stderr: "inherit",
    }).output();
    const s = ((performance.now() - t0) / 1000).toFixed(1);
    console.log(`[notebooks] ${name}: ${code === 0 ? "ok" : "FAILED"} in ${s}s`);
    if (code !== 0) failed++;
  }
  console.log(`notebooks: ${chosen.length - failed} passed, ${failed} failed`);
  return failed ? 1 : 0;
}

if (import.meta.main) Deno.exit(await main());

/**
 * The notebooks in a real browser: Debian's classic Jupyter Notebook server (6.4) with the Deno kernel,
 * driven through chromium by puppeteer-core. Each notebook is opened, run with Cell → Run All, waited for,
 * and checked: every code cell ran (an execution count, no error output), and every figure it displays is
 * drawn as an image (a PNG `<img>` that decoded, an SVG with a size) — Notebook 6 has no Vega-Lite v5
 * renderer, so a chart shows only through the SVG copy lib/viz's `chartDisplay` puts in the same output.
 * A full-page screenshot and the executed notebook go to `experiments/notebooks/browser_<name>.{png,ipynb}`.
 *
 * Nothing of the user's setup is touched: the server runs on a free port with a random token, with temporary
 * JUPYTER_CONFIG_DIR / JUPYTER_DATA_DIR / JUPYTER_RUNTIME_DIR, the kernelspec written there by
 * `deno jupyter --install` (XDG_DATA_HOME pointed at it), and the notebooks opened from a temporary folder
 * (copies beside links to lib/, data/, experiments/ and deno.json), so neither a run nor an autosave rewrites
 * the tracked notebooks. The server and its kernels are stopped by PID in `finally`.
 *
 * Needs `apt-get install -y --no-install-recommends jupyter-notebook chromium` and `--allow-net=127.0.0.1`
 * (`deno task test` has it; ignored with the reason otherwise, and CI installs both packages). The notebooks
 * run at `CAM_SCALE=quick`.
 */
import assert from "node:assert/strict";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { needs } from "../_skip.ts";

const ROOT = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");
const PYTHON = "/usr/bin/python3";
const OUT_DIR = `${ROOT}/experiments/notebooks`;
/** 01: PNG montages and tables; 03: the quick training grid and its Vega-Lite charts (SVG copies). */
const NOTEBOOKS = [
  { file: "01_cam_quickstart.ipynb", png: 1, svg: 0 },
  { file: "03_training_grid.ipynb", png: 0, svg: 3 },
];
const RUN_TIMEOUT_MS = 20 * 60_000;

/**
 * A notebook of one cell written for the test: a chart displayed as Vega-Lite alone, then through
 * lib/viz's `chartDisplay` (Vega-Lite + its SVG copy). Notebook 6 draws only the second.
 */
const FALLBACK = "fallback.ipynb";
const FALLBACK_SOURCE = `import { chartDisplay, vegaLiteBundle } from "../lib/viz/mod.ts";
const spec = {
  data: { values: [{ x: "a", y: 2 }, { x: "b", y: 3 }] },
  mark: "bar",
  encoding: { x: { field: "x", type: "nominal" }, y: { field: "y", type: "quantitative" } },
};
await Deno.jupyter.display(vegaLiteBundle(spec), { raw: true });
await Deno.jupyter.display((await chartDisplay(spec)).bundle, { raw: true });
console.log("shown");`;

/** An nbformat 4 notebook of code cells for the Deno kernel. */
function notebookJson(sources: string[]): string {
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "deno", display_name: "Deno", language: "typescript" } },
    cells: sources.map((source, i) => ({
      cell_type: "code",
      id: `cell-${i}`,
      metadata: {},
      execution_count: null,
      outputs: [],
      source,
    })),
  });
}

/** The chromium binary: $CHROMIUM, or Debian's. */
function chromiumPath(): string | undefined {
  const candidates = [Deno.env.get("CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"];
  return candidates.find((p): p is string => !!p && isFile(p));
}

function isFile(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

/** Whether Debian's python has the classic Notebook server (the `notebook` module, 6.x). */
function hasNotebookServer(): boolean {
  if (!isFile(PYTHON)) return false;
  const out = new Deno.Command(PYTHON, {
    args: ["-c", "import notebook, sys; sys.exit(0 if notebook.__version__.startswith('6.') else 1)"],
    stdout: "null",
    stderr: "null",
  }).outputSync();
  return out.success;
}

/** Whether this test may talk to the server and chromium (`deno task test` grants 127.0.0.1 only). */
function hasLocalNet(): boolean {
  return Deno.permissions.querySync({ name: "net", host: "127.0.0.1" }).state === "granted";
}

const chromium = chromiumPath();
const need = !chromium || !hasNotebookServer()
  ? needs(false, "Debian's jupyter-notebook (6.x) or chromium", { inCi: true })
  : needs(hasLocalNet(), "net access to 127.0.0.1 (deno task test grants it)", { inCi: true });

/** A port nobody listens on now. */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** The temporary folders and the server process of one test. */
interface Server {
  url: string;
  token: string;
  child: Deno.ChildProcess;
  log: string;
  temp: string;
  /** Notebook folder the server serves (copies of the tracked notebooks). */
  site: string;
}

/** Start `jupyter notebook` on a free port with a token, everything it writes under a temporary folder. */
async function startServer(): Promise<Server> {
  const temp = await Deno.makeTempDir({ prefix: "cam-dmri-browser-" });
  try {
    return await spawnServer(temp);
  } catch (e) {
    await Deno.remove(temp, { recursive: true }).catch(() => {});
    throw e;
  }
}

/** {@link startServer}'s work in `temp` (which the caller removes if this throws). */
async function spawnServer(temp: string): Promise<Server> {
  const site = `${temp}/site`;
  await Deno.mkdir(`${site}/notebooks`, { recursive: true });
  // The notebooks import ../lib and write ../data and ../experiments: links to the checkout's.
  for (const name of ["lib", "data", "experiments", "deno.json", "deno.lock", "package.json"]) {
    await Deno.symlink(`${ROOT}/${name}`, `${site}/${name}`);
  }
  for (const { file } of NOTEBOOKS) {
    await Deno.copyFile(`${ROOT}/notebooks/${file}`, `${site}/notebooks/${file}`);
  }
  await Deno.writeTextFile(`${site}/notebooks/${FALLBACK}`, notebookJson([FALLBACK_SOURCE]));
  const env: Record<string, string> = {
    JUPYTER_CONFIG_DIR: `${temp}/config`,
    JUPYTER_DATA_DIR: `${temp}/xdg/jupyter`,
    JUPYTER_RUNTIME_DIR: `${temp}/runtime`,
    // `deno jupyter --install` writes under $XDG_DATA_HOME/jupyter/kernels: the temporary data dir above.
    XDG_DATA_HOME: `${temp}/xdg`,
    IPYTHONDIR: `${temp}/ipython`,
    CAM_SCALE: "quick",
  };
  const install = await new Deno.Command(Deno.execPath(), {
    args: ["jupyter", "--install", "--force"],
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(install.success, new TextDecoder().decode(install.stderr));
  const kernel = JSON.parse(await Deno.readTextFile(`${temp}/xdg/jupyter/kernels/deno/kernel.json`));
  assert.equal(
    Deno.realPathSync(kernel.argv[0]),
    Deno.realPathSync(Deno.execPath()),
    "the kernel is this deno",
  );

  const port = freePort();
  const token = crypto.randomUUID().replaceAll("-", "");
  const child = new Deno.Command(PYTHON, {
    args: [
      "-m",
      "notebook",
      "--no-browser",
      "--allow-root",
      "--ip=127.0.0.1",
      `--port=${port}`,
      "--NotebookApp.port_retries=0",
      `--NotebookApp.token=${token}`,
      `--notebook-dir=${site}`,
    ],
    env,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const server: Server = { url: `http://127.0.0.1:${port}`, token, child, log: "", temp, site };
  // Keep the server's log (it writes to stderr) for failure messages; drain stdout.
  void (async () => {
    for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) server.log += chunk;
  })().catch(() => {});
  void child.stdout.pipeTo(new WritableStream()).catch(() => {});
  const deadline = Date.now() + 90_000;
  let exited = false;
  child.status.then(() => exited = true);
  while (Date.now() < deadline && !exited) {
    try {
      const res = await fetch(`${server.url}/api/status?token=${token}`);
      await res.body?.cancel();
      if (res.ok) return server;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 250));
  }
  await stopServer(server);
  throw new Error(`the Jupyter server did not start on port ${port}:\n${server.log.slice(-3000)}`);
}

/** Shut its kernels down through the API, then stop the server by PID (SIGTERM, SIGKILL after 10 s). */
async function stopServer(server: Server): Promise<void> {
  try {
    const res = await fetch(`${server.url}/api/kernels?token=${server.token}`);
    const kernels = res.ok ? await res.json() as { id: string }[] : (await res.body?.cancel(), []);
    for (const k of kernels) {
      const del = await fetch(`${server.url}/api/kernels/${k.id}?token=${server.token}`, {
        method: "DELETE",
      });
      await del.body?.cancel();
    }
  } catch { /* the server is gone already */ }
  try {
    Deno.kill(server.child.pid, "SIGTERM");
  } catch { /* exited */ }
  const timer = setTimeout(() => {
    try {
      Deno.kill(server.child.pid, "SIGKILL");
    } catch { /* exited */ }
  }, 10_000);
  await server.child.status;
  clearTimeout(timer);
  await Deno.remove(server.temp, { recursive: true }).catch(() => {});
}

/** The parts of Notebook 6's page the test reads (its `Jupyter` global and the DOM), typed for deno check. */
interface NotebookWindow {
  Jupyter: {
    notebook: {
      _fully_loaded: boolean;
      kernel_busy: boolean;
      kernel: { name: string; is_connected(): boolean; info_reply?: { status?: string } };
      set_autosave_interval(ms: number): void;
      get_cells(): {
        cell_type: string;
        input_prompt_number?: number | string | null;
        output_area: {
          outputs: { output_type: string; ename?: string; evalue?: string; data?: Record<string, unknown> }[];
          element: ArrayLike<{ querySelectorAll(selector: string): ArrayLike<PageElement> }>;
        };
      }[];
      toJSON(): unknown;
    };
  };
  document: { querySelectorAll(selector: string): ArrayLike<PageElement> };
  idleSince?: number;
}

/** An `<img>`, `<svg>` or output box as the checks read it. */
interface PageElement {
  innerText?: string;
  querySelector(selector: string): unknown;
  complete?: boolean;
  naturalWidth?: number;
  naturalHeight?: number;
  getBoundingClientRect(): { width: number; height: number };
}

/** What the page reports about a notebook after Run All. */
interface RunReport {
  kernel: string;
  cells: {
    index: number;
    prompt: unknown;
    errors: string[];
    mimes: string[][];
    /** Each output as drawn: whether it holds an image (`<img>` or `<svg>`), and its text. */
    drawn: { image: boolean; text: string }[];
  }[];
  pngShown: number;
  pngDecoded: number;
  svgShown: number;
  svgSized: number;
  errorNodes: number;
}

/** Open a notebook, wait for its Deno kernel, run every cell from the Cell menu and wait until all are done. */
async function runNotebook(page: Page, server: Server, file: string): Promise<RunReport> {
  await page.goto(`${server.url}/notebooks/notebooks/${file}?token=${server.token}`, {
    waitUntil: "domcontentloaded",
  });
  await page.waitForFunction(
    () => {
      const nb = (globalThis as unknown as Partial<NotebookWindow>).Jupyter?.notebook;
      return nb?._fully_loaded && nb.kernel?.is_connected() && nb.kernel.info_reply?.status === "ok";
    },
    { timeout: 120_000, polling: 250 },
  );
  // The copy is a temporary one, but nothing should be written behind the test's back either.
  await page.evaluate(() =>
    (globalThis as unknown as NotebookWindow).Jupyter.notebook.set_autosave_interval(0)
  );
  await page.click("#celllink");
  await page.waitForSelector("#run_all_cells", { visible: true });
  await page.click("#run_all_cells");
  // Run All marks every code cell "*" and Notebook clears it as each reply comes (a number, or blank when
  // an error aborted the queue): done when no "*" is left and the kernel has been idle for a second.
  await page.waitForFunction(
    () => {
      const w = globalThis as unknown as NotebookWindow;
      const nb = w.Jupyter.notebook;
      const busy = nb.kernel_busy ||
        nb.get_cells().some((c) => c.cell_type === "code" && c.input_prompt_number === "*");
      if (busy) {
        w.idleSince = undefined;
        return false;
      }
      w.idleSince ??= Date.now();
      return Date.now() - w.idleSince > 1000;
    },
    { timeout: RUN_TIMEOUT_MS, polling: 500 },
  );
  return await page.evaluate(() => {
    const w = globalThis as unknown as NotebookWindow;
    const nb = w.Jupyter.notebook;
    const cells = nb.get_cells().flatMap((c, index) =>
      c.cell_type !== "code" ? [] : [{
        index,
        prompt: c.input_prompt_number ?? null,
        errors: c.output_area.outputs
          .filter((o) => o.output_type === "error")
          .map((o) => `${o.ename}: ${o.evalue}`),
        mimes: c.output_area.outputs.flatMap((o) => o.data ? [Object.keys(o.data)] : []),
        drawn: Array.from(c.output_area.element[0].querySelectorAll(".output_subarea")).map((e) => ({
          image: !!e.querySelector("img, svg"),
          text: e.innerText ?? "",
        })),
      }]
    );
    const imgs = Array.from(w.document.querySelectorAll(".output_png img"));
    const svgs = Array.from(w.document.querySelectorAll(".output_svg svg"));
    return {
      kernel: nb.kernel.name,
      cells,
      pngShown: imgs.length,
      pngDecoded: imgs.filter((i) => i.complete && i.naturalWidth! > 0 && i.naturalHeight! > 0).length,
      svgShown: svgs.length,
      svgSized: svgs.filter((s) =>
        s.getBoundingClientRect().width > 50 && s.getBoundingClientRect().height > 50
      )
        .length,
      errorNodes: w.document.querySelectorAll(".output_error").length,
    };
  });
}

/** The whole notebook as one screenshot (Notebook scrolls inside #site: let it grow to its content). */
async function screenshot(page: Page, path: string): Promise<void> {
  await page.addStyleTag({
    content: "#site { height: auto !important; overflow: visible !important; } body { overflow: visible; }",
  });
  await page.screenshot({ path, fullPage: true });
}

Deno.test({
  name: "notebooks 01 and 03 run in Jupyter Notebook 6 in chromium; figures render as images" + need.label,
  ignore: need.ignore,
  // The server's and the browser's sockets and processes are closed in finally; Deno's sanitizers see
  // puppeteer's own timers and streams.
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async (t) => {
    await Deno.mkdir(OUT_DIR, { recursive: true });
    const server = await startServer();
    let browser: Browser | undefined;
    try {
      browser = await puppeteer.launch({
        executablePath: chromium,
        headless: true,
        userDataDir: `${server.temp}/chromium`,
        args: ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
      });
      await t.step("Notebook 6 draws no Vega-Lite alone: a chart shows through its SVG copy", async () => {
        const page = await browser!.newPage();
        try {
          const report = await runNotebook(page, server, FALLBACK);
          assert.equal(report.kernel, "deno");
          const [cell] = report.cells;
          assert.deepEqual(cell.errors, []);
          assert.deepEqual(cell.mimes, [
            ["application/vnd.vegalite.v5+json", "text/plain"],
            ["application/vnd.vegalite.v5+json", "image/svg+xml", "text/plain"],
          ]);
          assert.equal(cell.drawn.length, 3, JSON.stringify(cell.drawn));
          assert.deepEqual(
            cell.drawn[0],
            { image: false, text: "<Vega-Lite chart>" },
            "Vega-Lite alone: text",
          );
          assert.equal(cell.drawn[1].image, true, "with the SVG copy: an image");
          assert.match(cell.drawn[2].text, /^shown\s*$/);
          assert.equal(report.svgShown, 1);
          assert.equal(report.svgSized, 1);
        } finally {
          await page.close();
        }
      });
      for (const { file, png, svg } of NOTEBOOKS) {
        await t.step(`${file}: Run All, every cell done without error, figures drawn`, async () => {
          const page = await browser!.newPage();
          await page.setViewport({ width: 1280, height: 900 });
          try {
            const report = await runNotebook(page, server, file);
            const name = file.replace(/\.ipynb$/, "");
            await screenshot(page, `${OUT_DIR}/browser_${name}.png`);
            const saved = await page.evaluate(() =>
              JSON.stringify((globalThis as unknown as NotebookWindow).Jupyter.notebook.toJSON(), null, 1)
            );
            await Deno.writeTextFile(`${OUT_DIR}/browser_${name}.ipynb`, saved);
            const summary = JSON.stringify(report.cells);
            assert.equal(report.kernel, "deno");
            assert.ok(report.cells.length > 0);
            for (const c of report.cells) {
              assert.deepEqual(c.errors, [], `cell ${c.index} raised: ${c.errors.join("; ")}`);
              assert.ok(
                typeof c.prompt === "number" && c.prompt > 0,
                `cell ${c.index} did not finish (prompt ${JSON.stringify(c.prompt)}): ${summary}`,
              );
            }
            assert.equal(report.errorNodes, 0, "an error output is shown");
            // Every chart output carries its SVG copy, and every image output is drawn.
            const mimes = report.cells.flatMap((c) => c.mimes);
            for (const m of mimes) {
              if (m.some((k) => k.startsWith("application/vnd.vegalite"))) {
                assert.ok(m.includes("image/svg+xml"), `a Vega-Lite output without an SVG copy: ${m}`);
              }
            }
            const pngOutputs = mimes.filter((m) =>
              m.includes("image/png") && !m.some((k) =>
                ["text/html", "image/svg+xml"].includes(k)
              )
            ).length;
            const svgOutputs = mimes.filter((m) => m.includes("image/svg+xml") && !m.includes("text/html"))
              .length;
            assert.ok(pngOutputs >= png && svgOutputs >= svg, `figures: ${JSON.stringify(mimes)}`);
            assert.equal(report.pngShown, pngOutputs, "every PNG output is an <img>");
            assert.equal(report.pngDecoded, report.pngShown, "every <img> decoded");
            assert.equal(report.svgShown, svgOutputs, "every SVG output is an <svg>");
            assert.equal(report.svgSized, report.svgShown, "every <svg> has a size");
          } finally {
            await page.close();
          }
        });
      }
    } finally {
      await browser?.close().catch(() => {});
      await stopServer(server);
    }
  },
});

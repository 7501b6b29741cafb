/**
 * `deno task stress`: runs the test files that exercise the native libraries (oneDNN, OpenBLAS) many times,
 * each run a fresh `deno test` process, with and without a CPU burner beside it, and counts crashes (a
 * process killed by a signal, e.g. SIGSEGV = exit 139), test failures and hangs. The native path used to
 * segfault in about 1 run of 2 (libraries unloaded between test files while their thread pools lived on;
 * see lib/native/ffi.ts); this is the script that shows it no longer does.
 *
 * Usage: `deno task stress [--runs N] [--load on|off|both] [--burners K] [--timeout S] [--json out.jsonl]
 * [test files...]`
 *
 * - `--runs N` (default 50): runs per load setting.
 * - `--load` (default both): `on` starts K busy-looping processes (default: as many as cores) for the whole
 *   series, `off` runs on an idle machine, `both` does off then on.
 * - `--timeout S` (default 600): a run still going after S seconds is killed and counted as a hang.
 * - test files default to {@link DEFAULT_FILES}.
 *
 * Prints one line per run and a summary per load setting; exits non-zero when any run crashed, failed or hung.
 *
 * @module
 */

/**
 * The test files run by default: the pair that used to crash (libraries unloaded under live threads), the
 * native kernels' own tests, and the transfer tests (many files each opening the libraries; where pinning
 * OpenBLAS made its finalizer race other threads at exit).
 */
export const DEFAULT_FILES: readonly string[] = [
  "tests/models/create_model_test.ts",
  "tests/models/network_test.ts",
  "tests/backend/native_kernels_test.ts",
  "tests/foreign",
  "tests/probes",
  "tests/study/transfer",
  "tests/study/transfer_cell_test.ts",
];

/** How one run ended. */
export type Outcome = "ok" | "failed" | "crashed" | "hung";

/** Options of {@link parseStressArgs}' result. */
export interface StressOptions {
  runs: number;
  load: ("off" | "on")[];
  burners: number;
  timeoutS: number;
  json?: string;
  files: string[];
}

/** Parses the command line (see the module docs); throws on an unknown flag or a bad number. */
export function parseStressArgs(args: readonly string[]): StressOptions {
  const cores = navigator.hardwareConcurrency ?? 2;
  const o: StressOptions = { runs: 50, load: ["off", "on"], burners: cores, timeoutS: 600, files: [] };
  const num = (flag: string, v: string | undefined) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`stress: ${flag} needs a positive integer, got ${v}`);
    return n;
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--runs") o.runs = num(a, args[++i]);
    else if (a === "--burners") o.burners = num(a, args[++i]);
    else if (a === "--timeout") o.timeoutS = num(a, args[++i]);
    else if (a === "--json") o.json = args[++i];
    else if (a === "--load") {
      const v = args[++i];
      if (v === "both") o.load = ["off", "on"];
      else if (v === "on" || v === "off") o.load = [v];
      else throw new Error(`stress: --load takes on, off or both, got ${v}`);
    } else if (a.startsWith("--")) throw new Error(`stress: unknown flag ${a}`);
    else o.files.push(a);
  }
  if (o.files.length === 0) o.files = [...DEFAULT_FILES];
  return o;
}

/** Classifies a finished `deno test` run from its exit status (a signal, or 128 + signal, is a crash). */
export function classify(status: { code: number; signal: Deno.Signal | null }, timedOut: boolean): Outcome {
  if (timedOut) return "hung";
  if (status.signal != null || status.code >= 128) return "crashed";
  return status.code === 0 ? "ok" : "failed";
}

function startBurners(k: number): Deno.ChildProcess[] {
  return Array.from(
    { length: k },
    () =>
      new Deno.Command("sh", { args: ["-c", "while :; do :; done"], stdout: "null", stderr: "null" }).spawn(),
  );
}

async function runOnce(
  files: string[],
  timeoutS: number,
): Promise<{ outcome: Outcome; seconds: number; tail: string }> {
  const t0 = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "test",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      "--allow-sys",
      "--allow-ffi",
      "--allow-run",
      ...files,
    ],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
  }, timeoutS * 1000);
  const out = await child.output();
  clearTimeout(timer);
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  // deno-lint-ignore no-control-regex
  const tail = text.replace(/\x1b\[[0-9;]*m/g, "").trim().split("\n").slice(-3).join(" | ");
  return {
    outcome: classify({ code: out.code, signal: out.signal }, timedOut),
    seconds: (performance.now() - t0) / 1000,
    tail,
  };
}

async function cpuModel(): Promise<string> {
  try {
    const text = await Deno.readTextFile("/proc/cpuinfo");
    return text.match(/^model name\s*:\s*(.*)$/m)?.[1] ?? "unknown CPU";
  } catch {
    return "unknown CPU";
  }
}

async function main() {
  const o = parseStressArgs(Deno.args);
  console.log(`stress: ${o.runs} runs per setting (${o.load.join(", ")}), ${o.files.join(" ")}`);
  console.log(`stress: ${await cpuModel()}, ${navigator.hardwareConcurrency} cores`);
  let bad = 0;
  for (const load of o.load) {
    const burners = load === "on" ? startBurners(o.burners) : [];
    const tally: Record<Outcome, number> = { ok: 0, failed: 0, crashed: 0, hung: 0 };
    try {
      for (let i = 1; i <= o.runs; i++) {
        const r = await runOnce(o.files, o.timeoutS);
        tally[r.outcome]++;
        const line = `load=${load} run ${i}/${o.runs}: ${r.outcome} in ${r.seconds.toFixed(1)} s`;
        console.log(r.outcome === "ok" ? line : `${line} — ${r.tail}`);
        if (o.json) {
          await Deno.writeTextFile(o.json, JSON.stringify({ load, run: i, ...r }) + "\n", { append: true });
        }
      }
    } finally {
      for (const b of burners) {
        try {
          b.kill("SIGKILL");
        } catch { /* gone */ }
        await b.status;
      }
    }
    bad += tally.failed + tally.crashed + tally.hung;
    console.log(
      `stress: load=${load}${
        load === "on" ? ` (${o.burners} burners)` : ""
      }: ${o.runs} runs, ${tally.ok} ok, ` +
        `${tally.crashed} crashed, ${tally.failed} failed, ${tally.hung} hung`,
    );
  }
  Deno.exit(bad === 0 ? 0 : 1);
}

if (import.meta.main) await main();

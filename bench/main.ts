/**
 * `deno task bench`: runs every `bench/*_bench.ts` in its own process, runs the peer tools' reference
 * scripts from `../shared/bench` in the same invocation (when Debian's python3 has the peer installed), and
 * prints each pair side by side with the ratio ours / peer.
 *
 * Every measurement is one JSON line `{"workload", "tool", "value", "unit", ...}` (../shared/bench/WORKLOADS.md).
 * Lines pair when workload, unit and the distinguishing field (file, method or size) agree. Every line, ours and
 * the peers', carries the machine's CPU model (`cpu`, /proc/cpuinfo's model name through node:os) and the 1-minute load average
 * when it was read (`loadavg`), added here where a script does not print them: only ratios measured side by
 * side on one machine count. A peer line without `gflops` gets it from the paired line's `gflopPerSample`
 * (the same work per sample: W6, W7).
 *
 * Usage: `deno task bench [--only nifti,dmri,paper,...] [--no-peer] [--rounds N] [--json out.jsonl]`
 * (`--only paper`: W6 and W7, the paper's networks at paper size, beside ref_torch_paper.py; bench/paper_bench.ts)
 * (`--only 3d`: W3D, a 3-D GAP net on 48³ volumes, beside bench/peers/ref_torch_3d.py; bench/3d_bench.ts)
 *
 * `--rounds N` (default 1) runs each benchmark and its peer N times, alternating, each in a fresh process, and
 * prints the medians with the range of the per-round ratios: on a shared or virtual machine one pair of runs
 * can be off by 2x either way (W1 depends on what memory the kernel hands out), and alternating puts both tools
 * under the same conditions.
 *
 * @module
 */
import os from "node:os";

export interface Measurement {
  workload: string;
  tool: string;
  value: number;
  unit: string;
  [key: string]: unknown;
}

const SHARED_BENCH = new URL("../../shared/bench/", import.meta.url);
const PYTHON = "/usr/bin/python3";

/** The HCP-size subject of W8 (and W1's large file), made once by ref_subject.py make (bench/subject_bench.ts). */
export const SUBJECT_DIR = new URL("../.bench/hcp-subject/", import.meta.url).pathname;

/**
 * Peer reference runs: which module they need and their arguments; `requires`: an executable that must be on
 * PATH too; `peakRss`: run under /usr/bin/time and add the peak resident memory of the process and its
 * children (`peak_rss_mb`) to its lines.
 */
const PEERS: {
  module: string;
  script: string;
  args: string[];
  for: string;
  local?: boolean;
  requires?: string;
  peakRss?: boolean;
}[] = [
  { module: "nibabel", script: "ref_nifti.py", args: [], for: "nifti" },
  { module: "dipy", script: "ref_dti.py", args: [], for: "dmri" },
  { module: "torch", script: "ref_torch.py", args: [], for: "backend" },
  { module: "torch", script: "ref_torch.py", args: ["--size", "128"], for: "backend" },
  { module: "torch", script: "ref_torch_paper.py", args: ["--model", "googlenet"], for: "paper" },
  { module: "torch", script: "ref_torch_paper.py", args: ["--model", "vgg16"], for: "paper" },
  // our own peer script (bench/peers/): PyTorch Conv3d on the 3-D GAP net of bench/3d_bench.ts (W3D)
  { module: "torch", script: "peers/ref_torch_3d.py", args: [], for: "3d", local: true },
  // our own peer script (bench/peers/): nibabel reading the HCP-size DWI once, beside nifti_large_bench.ts
  {
    module: "nibabel",
    script: "peers/nibabel_once.py",
    args: [new URL("../.bench/hcp-subject/dwi.nii.gz", import.meta.url).pathname],
    for: "nifti_large",
    local: true,
  },
  // W8: one HCP-size subject end to end, beside bench/subject_bench.ts (both timed as whole processes)
  {
    module: "json",
    script: "ref_subject.py",
    args: ["mrtrix", SUBJECT_DIR],
    for: "subject",
    requires: "dwi2tensor",
    peakRss: true,
  },
  { module: "dipy", script: "ref_subject.py", args: ["dipy", SUBJECT_DIR], for: "subject", peakRss: true },
];

/** Parse the JSON lines of a process's stdout, ignoring anything else it printed. */
export function parseMeasurements(text: string): Measurement[] {
  const out: Measurement[] = [];
  for (const line of text.split("\n")) {
    const s = line.trim();
    if (!s.startsWith("{")) continue;
    try {
      const m = JSON.parse(s);
      if (typeof m.workload === "string" && typeof m.value === "number") out.push(m);
    } catch { /* not a measurement */ }
  }
  return out;
}

/** The key that pairs our line with the peer's: workload, unit and file / method / size. */
export function pairKey(m: Measurement): string {
  const extra = m.file ?? m.method ?? m.size ?? "";
  return `${m.workload}|${m.unit}|${extra}`;
}

/**
 * The CPU's model name (node:os's `cpus()`, i.e. /proc/cpuinfo's "model name" on Linux: Deno reads /proc only
 * with --allow-all), or the OS and architecture where it says none.
 */
export function cpuModel(): string {
  try {
    const name = os.cpus()[0]?.model?.trim();
    if (name) return name;
  } catch { /* no --allow-sys */ }
  return `${Deno.build.os} ${Deno.build.arch}`;
}

/** The 1-minute load average (`Deno.loadavg()`), or null where it cannot be read. */
export function loadAverage(): number | null {
  try {
    const v = Deno.loadavg()[0];
    return Number.isFinite(v) ? Math.round(v * 100) / 100 : null;
  } catch {
    return null;
  }
}

/** A line with the machine it ran on: `cpu` and `loadavg` added where the script printed none. */
export function withMachine(m: Measurement, cpu: string, loadavg: number | null): Measurement {
  return { ...m, cpu: m.cpu ?? cpu, loadavg: m.loadavg ?? loadavg };
}

/**
 * A peer's line with its GFLOP/s, from the paired line of ours (same {@link pairKey}) that says the work of one
 * sample (`gflopPerSample`); unchanged when it has `gflops` or no such line is there.
 */
export function withPeerGflops(peer: Measurement, ours: readonly Measurement[]): Measurement {
  if (typeof peer.gflops === "number") return peer;
  const mine = ours.find((o) => pairKey(o) === pairKey(peer) && typeof o.gflopPerSample === "number");
  if (!mine) return peer;
  return { ...peer, gflops: Math.round(peer.value * (mine.gflopPerSample as number) * 10) / 10 };
}

/**
 * Run a command under GNU time (`/usr/bin/time -f %M`) and return its stdout and its peak resident memory in
 * MB: the largest of the process and its waited-for children (Linux's ru_maxrss for a reaped child). Null
 * memory where /usr/bin/time is missing (then the command runs as it is).
 */
export async function runWithPeakRss(
  cmd: string,
  args: string[],
): Promise<{ stdout: string; peakRssMB: number | null; code: number }> {
  const marker = "[peak-rss-kb]";
  let p: Deno.ChildProcess;
  try {
    p = new Deno.Command("/usr/bin/time", {
      args: ["-f", `${marker} %M`, cmd, ...args],
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  } catch {
    const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "inherit" }).output();
    return { stdout: new TextDecoder().decode(out.stdout), peakRssMB: null, code: out.code };
  }
  const { stdout, stderr, code } = await p.output();
  let peakRssMB: number | null = null;
  for (const line of new TextDecoder().decode(stderr).split("\n")) {
    if (line.startsWith(marker)) peakRssMB = Math.round(Number(line.slice(marker.length)) / 1024);
    else if (line.trim()) console.error(line);
  }
  return { stdout: new TextDecoder().decode(stdout), peakRssMB, code };
}

/** Whether an executable is on PATH. */
async function onPath(name: string): Promise<boolean> {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    try {
      if ((await Deno.stat(`${dir}/${name}`)).isFile) return true;
    } catch { /* not here */ }
  }
  return false;
}

async function runCommand(cmd: string, args: string[]): Promise<string> {
  const p = new Deno.Command(cmd, { args, stdout: "piped", stderr: "inherit" }).spawn();
  const { stdout, code } = await p.output();
  const text = new TextDecoder().decode(stdout);
  if (code !== 0) console.error(`[bench] ${cmd} ${args.join(" ")} exited with ${code}`);
  return text;
}

async function hasPython(module: string): Promise<boolean> {
  try {
    const { code } = await new Deno.Command(PYTHON, { args: ["-c", `import ${module}`], stderr: "null" })
      .output();
    return code === 0;
  } catch {
    return false;
  }
}

async function main() {
  const args = Deno.args;
  const onlyArg = args.indexOf("--only");
  const only = onlyArg >= 0 ? new Set(args[onlyArg + 1].split(",")) : null;
  const noPeer = args.includes("--no-peer");
  const jsonArg = args.indexOf("--json");
  const benchDir = new URL("./", import.meta.url);
  const files: string[] = [];
  for await (const e of Deno.readDir(benchDir)) {
    if (e.isFile && e.name.endsWith("_bench.ts")) files.push(e.name);
  }
  files.sort();
  const roundsArg = args.indexOf("--rounds");
  const rounds = roundsArg >= 0 ? Math.max(1, Math.floor(Number(args[roundsArg + 1]) || 1)) : 1;
  const ours: Measurement[] = [];
  const peers: Measurement[] = [];
  const cpu = cpuModel();
  console.error(
    `[bench] CPU ${cpu}, ${navigator.hardwareConcurrency} logical cores, load average ${loadAverage()}`,
  );
  for (const f of files) {
    const name = f.replace(/_bench\.ts$/, "");
    if (only && !only.has(name)) continue;
    const peerRuns = [];
    if (!noPeer) {
      for (const peer of PEERS.filter((p) => p.for === name)) {
        if (peer.requires && !(await onPath(peer.requires))) {
          console.error(
            `[bench] peer ${peer.script} ${peer.args[0] ?? ""} skipped: ${peer.requires} is not on PATH`,
          );
        } else if (await hasPython(peer.module)) peerRuns.push(peer);
        else console.error(`[bench] peer ${peer.script} skipped: ${PYTHON} cannot import ${peer.module}`);
      }
    }
    for (let round = 1; round <= rounds; round++) {
      console.error(`[bench] ${f}${rounds > 1 ? ` (round ${round}/${rounds})` : ""}`);
      const out = await runCommand(Deno.execPath(), [
        "run",
        "--allow-read",
        "--allow-write",
        "--allow-env",
        "--allow-sys",
        "--allow-ffi",
        "--allow-run",
        new URL(f, benchDir).pathname,
      ]);
      const ms = parseMeasurements(out).map((m) =>
        withMachine(rounds > 1 ? { ...m, round } : m, cpu, loadAverage())
      );
      for (const m of ms) console.log(JSON.stringify(m));
      ours.push(...ms);
      for (const peer of peerRuns) {
        const script = new URL(peer.script, peer.local ? benchDir : SHARED_BENCH).pathname;
        let pout: string, peak: number | null = null;
        if (peer.peakRss) {
          ({ stdout: pout, peakRssMB: peak } = await runWithPeakRss(PYTHON, [script, ...peer.args]));
        } else pout = await runCommand(PYTHON, [script, ...peer.args]);
        const pm = parseMeasurements(pout).map((m) => peak === null ? m : { ...m, peak_rss_mb: peak }).map((
          m,
        ) => withPeerGflops(withMachine(rounds > 1 ? { ...m, round } : m, cpu, loadAverage()), ms));
        for (const m of pm) console.log(JSON.stringify(m));
        peers.push(...pm);
      }
    }
  }
  if (jsonArg >= 0) {
    await Deno.writeTextFile(args[jsonArg + 1], [...ours, ...peers].map((m) => JSON.stringify(m)).join("\n"));
  }
  const rows = ratioRows(ours, peers);
  if (rows.length) {
    console.log(
      `\nours / peer (higher is better for us)${
        rounds > 1 ? `, medians of ${rounds} alternating rounds` : ""
      }:`,
    );
    for (const r of rows) console.log(r);
  }
  const loads = [...ours, ...peers].map((m) => m.loadavg).filter((l): l is number => typeof l === "number");
  if (loads.length) {
    console.log(
      `\n[bench] on ${cpu} (${navigator.hardwareConcurrency} logical cores); load average ${
        Math.min(...loads).toFixed(2)
      }–${Math.max(...loads).toFixed(2)} while the lines were taken`,
    );
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * One line per pair of our measurement and the peer's (same {@link pairKey}, same round when there are
 * rounds): the medians of both values and the median ratio ours / peer, with the ratios' range when there
 * is more than one round.
 */
export function ratioRows(ours: Measurement[], peers: Measurement[]): string[] {
  const rows: string[] = [];
  const seen = new Set<string>();
  for (const m of ours) {
    const key = `${pairKey(m)}|${m.tool}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const mine = ours.filter((o) => `${pairKey(o)}|${o.tool}` === key);
    const peerTools = [...new Set(peers.filter((q) => pairKey(q) === pairKey(m)).map((q) => q.tool))];
    for (const peerTool of peerTools) {
      const pairs: [Measurement, Measurement][] = [];
      for (const o of mine) {
        const p = peers.find((q) => pairKey(q) === pairKey(o) && q.round === o.round && q.tool === peerTool);
        if (p) pairs.push([o, p]);
      }
      if (pairs.length) rows.push(ratioRow(m, pairs));
    }
  }
  return rows;
}

/** Whether a unit is a time (seconds per something), where lower is better: the ratio is then peer / ours. */
export function lowerIsBetter(unit: string): boolean {
  return /^s( |\/|$)/.test(unit);
}

/** One row of {@link ratioRows}: our line `m`'s tool against one peer tool, over the rounds' pairs. */
function ratioRow(m: Measurement, pairs: [Measurement, Measurement][]): string {
  const ratios = pairs.map(([o, p]) => lowerIsBetter(m.unit) ? p.value / o.value : o.value / p.value);
  const ourValue = median(pairs.map(([o]) => o.value)), peerValue = median(pairs.map(([, p]) => p.value));
  const range = pairs.length > 1
    ? ` (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}, ${pairs.length} rounds)`
    : "";
  const gflops = (xs: Measurement[]) =>
    xs.map((x) => x.gflops).filter((g): g is number => typeof g === "number");
  const ourFlops = gflops(pairs.map(([o]) => o)), peerFlops = gflops(pairs.map(([, p]) => p));
  const flops = ourFlops.length === pairs.length && peerFlops.length === pairs.length
    ? `; GFLOP/s ${median(ourFlops).toFixed(1)} vs ${median(peerFlops).toFixed(1)}`
    : "";
  const rss = (x: Measurement) => typeof x.peak_rss_mb === "number" ? x.peak_rss_mb : null;
  const ourRss = pairs.map(([o]) => rss(o)), peerRss = pairs.map(([, p]) => rss(p));
  const memory = ourRss.every((r) => r !== null) && peerRss.every((r) => r !== null)
    ? `; peak RSS ${median(ourRss as number[])} MB vs ${median(peerRss as number[])} MB`
    : "";
  return (
    `${m.workload.padEnd(4)} ${String(m.file ?? m.method ?? m.size ?? "").padEnd(28)} ${m.tool.padEnd(22)} ${
      ourValue.toFixed(1).padStart(12)
    }  vs ${pairs[0][1].tool.padEnd(14)} ${peerValue.toFixed(1).padStart(12)} ${m.unit}  ratio ${
      median(ratios).toFixed(2)
    }x${lowerIsBetter(m.unit) ? " (peer time / ours)" : ""}${range}${flops}${memory}`
  );
}

if (import.meta.main) await main();

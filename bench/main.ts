/**
 * `deno task bench`: runs every `bench/*_bench.ts` in its own process, runs the peer tools' reference
 * scripts from `../shared/bench` in the same invocation (when Debian's python3 has the peer installed), and
 * prints each pair side by side with the ratio ours / peer.
 *
 * Every measurement is one JSON line `{"workload", "tool", "value", "unit", ...}` (../shared/bench/WORKLOADS.md).
 * Lines pair when workload, unit and the distinguishing field (file, method or size) agree.
 *
 * Usage: `deno task bench [--only nifti,dmri,...] [--no-peer] [--json out.jsonl]`
 *
 * @module
 */

export interface Measurement {
  workload: string;
  tool: string;
  value: number;
  unit: string;
  [key: string]: unknown;
}

const SHARED_BENCH = new URL("../../shared/bench/", import.meta.url);
const PYTHON = "/usr/bin/python3";

/** Peer reference runs: which module they need and their arguments. */
const PEERS: { module: string; script: string; args: string[]; for: string }[] = [
  { module: "nibabel", script: "ref_nifti.py", args: [], for: "nifti" },
  { module: "dipy", script: "ref_dti.py", args: [], for: "dmri" },
  { module: "torch", script: "ref_torch.py", args: [], for: "backend" },
  { module: "torch", script: "ref_torch.py", args: ["--size", "128"], for: "backend" },
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
  const ours: Measurement[] = [];
  const peers: Measurement[] = [];
  for (const f of files) {
    const name = f.replace(/_bench\.ts$/, "");
    if (only && !only.has(name)) continue;
    console.error(`[bench] ${f}`);
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
    const ms = parseMeasurements(out);
    for (const m of ms) console.log(JSON.stringify(m));
    ours.push(...ms);
    if (noPeer) continue;
    for (const peer of PEERS.filter((p) => p.for === name)) {
      if (!(await hasPython(peer.module))) {
        console.error(`[bench] peer ${peer.script} skipped: ${PYTHON} cannot import ${peer.module}`);
        continue;
      }
      const pout = await runCommand(PYTHON, [new URL(peer.script, SHARED_BENCH).pathname, ...peer.args]);
      const pm = parseMeasurements(pout);
      for (const m of pm) console.log(JSON.stringify(m));
      peers.push(...pm);
    }
  }
  if (jsonArg >= 0) {
    await Deno.writeTextFile(args[jsonArg + 1], [...ours, ...peers].map((m) => JSON.stringify(m)).join("\n"));
  }
  // Ratios: ours / peer for every pair.
  const byKey = new Map(peers.map((m) => [pairKey(m), m]));
  const rows: string[] = [];
  for (const m of ours) {
    const p = byKey.get(pairKey(m));
    if (!p) continue;
    rows.push(
      `${m.workload.padEnd(4)} ${String(m.file ?? m.method ?? m.size ?? "").padEnd(28)} ${
        m.tool.padEnd(22)
      } ${m.value.toFixed(1).padStart(12)}  vs ${p.tool.padEnd(14)} ${
        p.value.toFixed(1).padStart(12)
      } ${m.unit}` +
        `  ratio ${(m.value / p.value).toFixed(2)}x`,
    );
  }
  if (rows.length) {
    console.log("\nours / peer (higher is better for us):");
    for (const r of rows) console.log(r);
  }
}

if (import.meta.main) await main();

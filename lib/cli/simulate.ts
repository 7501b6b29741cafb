/**
 * `deno task simulate --out DIR [--scale quick|default|paper] [--seed N] [--young N] [--old N] [--acquisitions N]
 * [--layout classic|ageing] [--shape N] [--effect-scale X] [--fa-jitter SD]`
 *
 * Writes a simulated HCP-style cohort (lib/synth's `simulateCohort`) to the folder DIR, for
 * `deno task reproduce --data DIR`: a scale's preset with more or fewer subjects per age group (young 8–15,
 * old 25–75 years, the presets' ranges) or acquisitions, e.g. the 78-subject cohort of the README's k-fold
 * study: `deno task simulate --out data/synth/large78-s0 --young 36 --old 42 --acquisitions 2`. Resumable (files
 * already written are kept); a folder made with other options is refused (lib/synth's SynthError).
 *
 * `--effect-scale X` multiplies every planted age effect (the layout's DEFAULT_EFFECTS or AGEING_EFFECTS) by X,
 * and `--fa-jitter SD` sets the subjects' own FA offset per region (default 0.01): a harder cohort, where the
 * youngest old and the oldest young subjects overlap, e.g. `--effect-scale 0.5` halves ΔFA_r(age).
 *
 * @module
 */
import {
  type AgeEffect,
  AGEING_EFFECTS,
  DEFAULT_EFFECTS,
  DEFAULT_GROUPS,
  simulateCohort,
  type SimulateCohortOptions,
} from "../synth/mod.ts";
import { COHORT_PRESETS } from "../study/mod.ts";
import { formatDuration } from "../train/mod.ts";
import { cohortFlags, eachFlag, parseCount, runTool, type Scale, type Usage, usageOf } from "./_args.ts";

interface Args {
  out?: string;
  scale: Scale;
  seed: number;
  young?: number;
  old?: number;
  acquisitions?: number;
  layout?: "classic" | "ageing";
  shape?: number;
  effectScale?: number;
  faJitter?: number;
}

const usage: Usage = usageOf(
  "simulate",
  "usage: deno task simulate --out DIR [--scale quick|default|paper] [--seed N] [--young N] [--old N]\n" +
    "                          [--acquisitions N] [--layout classic|ageing] [--shape N]\n" +
    "                          [--effect-scale X] [--fa-jitter SD]",
);

/** Parse simulate's arguments; a bad one prints the usage and exits with 2. */
function parseArgs(argv: string[]): Args {
  const args: Args = { scale: "default", seed: 0 };
  const cohort = cohortFlags(args, usage, { data: false });
  eachFlag(argv, usage, (flag, value) => {
    if (cohort(flag, value)) return true;
    switch (flag) {
      case "--out":
        args.out = value();
        break;
      case "--young":
        args.young = parseCount(flag, value(), usage);
        break;
      case "--old":
        args.old = parseCount(flag, value(), usage);
        break;
      case "--acquisitions": {
        const n = parseCount(flag, value(), usage);
        if (n > 8) usage(`--acquisitions is 1 to 8, got ${n}`);
        args.acquisitions = n;
        break;
      }
      case "--layout": {
        const l = value();
        if (l !== "classic" && l !== "ageing") usage(`--layout must be classic or ageing, got "${l}"`);
        args.layout = l;
        break;
      }
      case "--shape":
        args.shape = parseCount(flag, value(), usage);
        break;
      case "--effect-scale":
        args.effectScale = parseNonNegative(flag, value(), usage);
        break;
      case "--fa-jitter":
        args.faJitter = parseNonNegative(flag, value(), usage);
        break;
      default:
        return false;
    }
    return true;
  });
  if (!args.out) usage("--out DIR is required");
  return args;
}

/** A finite number ≥ 0, or the usage error. */
function parseNonNegative(flag: string, text: string, usage: Usage): number {
  const x = Number(text);
  if (text.trim() === "" || !Number.isFinite(x) || x < 0) {
    usage(`${flag} must be a number >= 0, got "${text}"`);
  }
  return x;
}

/** The layout's planted effects (lib/synth's DEFAULT_EFFECTS, or AGEING_EFFECTS) with every ΔFA times `scale`. */
function scaledEffects(layout: "classic" | "ageing" | undefined, scale: number): AgeEffect[] {
  return (layout === "ageing" ? AGEING_EFFECTS : DEFAULT_EFFECTS).map((e) => ({
    ...e,
    deltaFA: e.deltaFA * scale,
  }));
}

/** The simulator's options for parsed arguments: the scale's preset (as `reproduce` uses it), then the flags. */
function simulateOptions(args: Omit<Args, "out">): SimulateCohortOptions {
  const preset = COHORT_PRESETS[args.scale];
  const groups = preset.groups ?? DEFAULT_GROUPS;
  return {
    ...preset,
    seed: args.seed,
    groups: groups.map((g) => ({
      ...g,
      count: (g.name === "young" ? args.young : g.name === "old" ? args.old : undefined) ?? g.count,
    })),
    ...(args.acquisitions ? { acquisitions: args.acquisitions } : {}),
    ...(args.layout ? { layout: args.layout } : {}),
    ...(args.shape ? { shape: args.shape } : {}),
    ...(args.effectScale !== undefined
      ? { effects: scaledEffects(args.layout ?? preset.layout, args.effectScale) }
      : {}),
    ...(args.faJitter !== undefined ? { faJitter: args.faJitter } : {}),
  };
}

async function main(): Promise<void> {
  const args = parseArgs(Deno.args);
  const options = simulateOptions(args);
  const counts = options.groups!.map((g) => `${g.count} ${g.name}`).join(", ");
  const harder = [
    args.effectScale !== undefined ? `age effects x${args.effectScale}` : "",
    args.faJitter !== undefined ? `FA jitter ${args.faJitter}` : "",
  ].filter(Boolean).join(", ");
  console.log(
    `[simulate] ${args.out}: ${args.scale} preset, seed ${args.seed}, ${counts}${
      harder ? `, ${harder}` : ""
    }`,
  );
  let last = -1;
  const r = await simulateCohort(args.out!, {
    ...options,
    onProgress: (done, total) => {
      const pct = Math.floor((100 * done) / total / 10) * 10;
      if (pct !== last) last = pct, console.log(`[simulate] ${done}/${total} (${pct}%)`);
    },
  });
  console.log(
    `[simulate] ${r.subjects.length} subjects x ${r.acquisitions.length} acquisitions under ${r.dir}: ` +
      `${r.written} files written, ${r.skipped} kept, in ${formatDuration(r.seconds)}`,
  );
}

if (import.meta.main) await runTool("simulate", main);

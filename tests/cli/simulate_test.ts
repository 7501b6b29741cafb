import assert from "node:assert/strict";
import { runTool } from "./_tool.ts";
import { loadCohort } from "../../lib/data/mod.ts";
import { DEFAULT_EFFECTS } from "../../lib/synth/mod.ts";

const simulate = (...args: string[]) => runTool("simulate", args);

Deno.test("deno task simulate: the preset with other group sizes, resumable; bad flags are usage errors", async (t) => {
  const root = await Deno.makeTempDir({ prefix: "cam-simulate-cli-" });
  const dir = `${root}/cohort`;
  const flags = [
    "--out",
    dir,
    "--scale",
    "quick",
    "--young",
    "3",
    "--old",
    "4",
    "--acquisitions",
    "1",
    "--shape",
    "16",
  ];
  try {
    await t.step("3 young and 4 old subjects, one acquisition, the preset's age ranges", async () => {
      const r = await simulate(...flags);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /7 subjects x 1 acquisitions under .*: \d+ files written, 0 kept/);
      const cohort = await loadCohort(dir);
      const young = cohort.subjects.filter((s) => s.group === "young");
      const old = cohort.subjects.filter((s) => s.group === "old");
      assert.equal(young.length, 3);
      assert.equal(old.length, 4);
      assert.ok(
        young.every((s) => s.age >= 8 && s.age <= 15) && old.every((s) => s.age >= 25 && s.age <= 75),
      );
      assert.ok(cohort.subjects.every((s) => s.acquisitions.length === 1 && s.truth?.callosum));
    });
    await t.step("a rerun keeps every file; other options on that folder are refused", async () => {
      const again = await simulate(...flags);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /: 0 files written, \d+ kept/);
      const other = await simulate(...flags.slice(0, -2), "--shape", "20");
      assert.equal(other.code, 1);
      assert.match(other.stderr, /SynthError|other options|made with/);
    });
    await t.step("--effect-scale and --fa-jitter: the planted effects scaled, the jitter set", async () => {
      const harder = `${root}/harder`;
      const r = await simulate(
        ...flags.map((f) => f === dir ? harder : f),
        "--effect-scale",
        "0.5",
        "--fa-jitter",
        "0.02",
      );
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /age effects x0\.5, FA jitter 0\.02/);
      const made = JSON.parse(await Deno.readTextFile(`${harder}/cohort.json`));
      const effects = Object.fromEntries(
        (made.effects as { region: string; deltaFA: number }[]).map((e) => [e.region, e.deltaFA]),
      );
      assert.deepEqual(
        effects,
        Object.fromEntries(DEFAULT_EFFECTS.map((e) => [e.region, e.deltaFA * 0.5])),
      );
      assert.equal(made.faJitter, 0.02);
      // Per subject, the planted shift is half the classic cohort's (same seed, same ages).
      const base = JSON.parse(await Deno.readTextFile(`${dir}/cohort.json`));
      type Drawn = { age: number; ageEffect: number[] };
      const [a, b] = [made.subjects as Drawn[], base.subjects as Drawn[]];
      assert.deepEqual(a.map((s) => s.age), b.map((s) => s.age));
      for (let i = 0; i < a.length; i++) {
        a[i].ageEffect.forEach((e, r) => assert.ok(Math.abs(e - 0.5 * b[i].ageEffect[r]) < 1e-12));
      }
    });
    await t.step("usage errors exit 2", async () => {
      for (
        const [args, message] of [
          [["--young", "3"], /--out DIR is required/],
          [["--out", dir, "--old", "0"], /--old must be a positive integer/],
          [["--out", dir, "--acquisitions", "9"], /--acquisitions is 1 to 8/],
          [["--out", dir, "--layout", "round"], /--layout must be classic or ageing/],
          [["--out", dir, "--effect-scale", "-1"], /--effect-scale must be a number >= 0/],
          [["--out", dir, "--fa-jitter", "x"], /--fa-jitter must be a number >= 0/],
        ] as const
      ) {
        const r = await simulate(...args);
        assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
        assert.match(r.stderr, message);
      }
    });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

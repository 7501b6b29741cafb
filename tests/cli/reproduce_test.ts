import assert from "node:assert/strict";
import { cpus } from "node:os";
import { reproduceCommand } from "./_reproduce.ts";

async function reproduce(...args: string[]) {
  const out = await reproduceCommand(args).output();
  return {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  };
}

/** A tiny grid file of its own (a cohort and a digits cell of a 16 px net), in a temporary folder. */
async function tinyGrid(): Promise<{ path: string; dir: string }> {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/tiny.json`;
  await Deno.writeTextFile(
    path,
    JSON.stringify({
      name: "tiny",
      datasets: ["cohort", "digits"],
      models: ["small"],
      scales: ["quick"],
      widthMultiplier: 0.25,
      imageSize: 16,
      training: { epochs: 3, batchSize: 8 },
      cam: { methods: ["cam"] },
      data: { camSubjects: 1, counts: { train: 40, val: 8, test: 8 } },
    }),
  );
  return { path, dir };
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

Deno.test("deno task reproduce --dry-run: the plan only, exit 0, nothing written", async (t) => {
  const { path, dir } = await tinyGrid();
  const root = "experiments/_test_cli_dry";
  try {
    await t.step("the plan: models timed here, cells, samples, steps and the total", async () => {
      const { code, stdout, stderr } = await reproduce(
        "--scale",
        "quick",
        "--grid",
        path,
        "--dry-run",
        "--root",
        root,
      );
      assert.equal(code, 0, stderr);
      assert.match(stdout, /\[plan\] timed small 16x16x1 w0\.25 c2 b8 adam/);
      assert.match(stdout, /\[plan\] 2 models to train:/);
      assert.match(stdout, /small 16x16x1 w0\.25 c10 b8 adam\s+whole batch, .* per step; [\d.]+ s\/step/);
      // the quick cohort: 6 + 6 subjects, 1 acquisition, 48 slices; a subject split gives 4 + 1 + 1 per group
      assert.match(
        stdout,
        /1 x small-gap 16 px width 0\.25, subject split: 384 train \/ 96 val \/ 96 test samples → 48 steps\/epoch x 3 epochs = 144 steps/,
      );
      assert.match(
        stdout,
        /1 x small-gap 16 px width 0\.25: 40 train \/ 8 val \/ 8 test samples → 5 steps\/epoch x 3 epochs = 15 steps/,
      );
      assert.match(stdout, /\[plan\] total: 2 cells, 159 training steps, ≈ /);
      // Where the seconds were measured: the CPU, its cores, the load while timing (Linux has all three).
      const cpu = cpus()[0].model.trim().replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      assert.match(
        stdout,
        new RegExp(
          `\\[plan\\] timings measured on ${cpu} \\(${navigator.hardwareConcurrency} cores\\), load ` +
            "average [\\d.]+(–[\\d.]+)? while they ran",
        ),
      );
      assert.match(stdout, /--dry-run: the plan only/);
      assert.doesNotMatch(stdout, /simulating the cohort|simulated cohort at/);
      assert.equal(await exists(root), false, "nothing under --root");
    });
    await t.step("--epochs and --max-subjects: the grid renamed, the plan reduced", async () => {
      const { code, stdout, stderr } = await reproduce(
        "--scale",
        "quick",
        "--grid",
        path,
        "--dry-run",
        "--root",
        root,
        "--epochs",
        "2",
        "--max-subjects",
        "10",
      );
      assert.equal(code, 0, stderr);
      assert.match(
        stdout,
        /reduced run: grid tiny runs as tiny\.epochs2\.subjects10 \(epochs 2 of 3, at most 10 subjects\), under experiments\/_test_cli_dry\/tiny\.epochs2\.subjects10\//,
      );
      assert.match(stdout, /grid tiny\.epochs2\.subjects10: 2 cells/);
      // 10 subjects (5 + 5): 3 + 1 + 1 per group train / val / test
      assert.match(
        stdout,
        /subject split: 288 train \/ 96 val \/ 96 test samples → 36 steps\/epoch x 2 epochs = 72 steps/,
      );
      assert.equal(await exists(root), false);
    });
    await t.step("a reduction that leaves no test subject is refused before anything runs", async () => {
      const { code, stderr } = await reproduce(
        "--scale",
        "quick",
        "--grid",
        path,
        "--root",
        root,
        "--max-subjects",
        "4",
      );
      assert.equal(code, 2);
      assert.match(stderr, /--max-subjects 4 leaves 1 cell\(s\) without a test subject/);
      assert.equal(await exists(root), false);
    });
    await t.step("bad overrides: usage", async () => {
      for (const [flag, value] of [["--epochs", "0"], ["--max-subjects", "x"]]) {
        const { code, stderr } = await reproduce("--dry-run", flag, value);
        assert.equal(code, 2);
        assert.match(stderr, new RegExp(`${flag} must be a positive integer, got "${value}"`));
      }
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(root, { recursive: true }).catch(() => {});
  }
});

Deno.test("deno task reproduce: bad arguments are refused with a usage line", async (t) => {
  await t.step("an unknown scale", async () => {
    const { code, stderr } = await reproduce("--scale", "huge");
    assert.equal(code, 2);
    assert.match(stderr, /reproduce: unknown scale "huge"/);
    assert.match(stderr, /usage: deno task reproduce/);
  });
  await t.step("a --data folder that does not exist", async () => {
    const { code, stderr } = await reproduce("--data", "/nonexistent/cohort", "--grid", "quick");
    assert.equal(code, 2);
    assert.match(stderr, /--data \/nonexistent\/cohort: no such folder/);
  });
  await t.step("a --data folder without a participants table: the typed error names it", async () => {
    const dir = await Deno.makeTempDir();
    const { code, stderr } = await reproduce(
      "--data",
      dir,
      "--grid",
      "quick",
      "--root",
      "experiments/_test_cli",
    );
    assert.equal(code, 1);
    assert.match(stderr, new RegExp(`reproduce: CohortError: ${dir}: no participants\\.tsv`));
    await Deno.remove(dir, { recursive: true });
    await Deno.remove("experiments/_test_cli", { recursive: true }).catch(() => {});
  });
  await t.step(
    "a --data cohort whose every subject is skipped: 'no usable subjects', the cell marked failed",
    async () => {
      const dir = await Deno.makeTempDir();
      await Deno.mkdir(`${dir}/S01`);
      await Deno.writeTextFile(`${dir}/participants.tsv`, "subject\tage\nS01\t10\n");
      const root = "experiments/_test_cli_empty";
      await Deno.remove(root, { recursive: true }).catch(() => {});
      const { code, stderr } = await reproduce("--data", dir, "--grid", "quick", "--root", root);
      assert.equal(code, 1, stderr);
      assert.match(stderr, /\[cohort\] skipped S01: .*no DWI found/);
      assert.match(
        stderr,
        new RegExp(`reproduce: CohortError: ${dir}: no usable subjects \\(1 problem\\(s\\)`),
      );
      // A --data run has its own folder: quick.data-<folder name>-<hash of its path>.
      const grids = [...Deno.readDirSync(root)].map((e) => e.name);
      const name = dir.split("/").pop()!;
      assert.equal(grids.length, 1);
      assert.match(grids[0], new RegExp(`^quick\\.data-${name}-[0-9a-f]{6}$`));
      const cells = [];
      for await (const e of Deno.readDir(`${root}/${grids[0]}`)) if (e.isDirectory) cells.push(e.name);
      assert.equal(cells.length, 1, "the first cell failed and stopped the run");
      const manifest = JSON.parse(
        await Deno.readTextFile(`${root}/${grids[0]}/${cells[0]}/manifest.json`),
      );
      assert.equal(manifest.status, "failed");
      assert.equal(manifest.error.name, "CohortError");
      await Deno.remove(dir, { recursive: true });
      await Deno.remove(root, { recursive: true }).catch(() => {});
    },
  );
  await t.step(
    "--root outside data/ and experiments/: refused before any work, with the way out",
    async () => {
      const root = `${await Deno.makeTempDir()}/out`;
      const { code, stdout, stderr } = await reproduce("--grid", "digits-quick", "--root", root);
      assert.equal(code, 2, stderr);
      assert.match(
        stderr,
        new RegExp(
          `reproduce: --root ${root}: this process may not write there \\(\`deno task reproduce\` writes`,
        ),
      );
      assert.match(stderr, new RegExp(`deno run --allow-read --allow-write=data,experiments,${root} `));
      assert.doesNotMatch(stderr, /NotCapable|^ {4}at /m, "no stack trace");
      assert.equal(stdout, "", "nothing ran");
      assert.equal(await exists(root), false);
      await Deno.remove(root.replace(/\/out$/, ""), { recursive: true });
    },
  );
  await t.step("an unknown argument", async () => {
    const { code, stderr } = await reproduce("--frobnicate");
    assert.equal(code, 2);
    assert.match(stderr, /unknown argument "--frobnicate"/);
  });
});

/** Grid files of one dataset each (16 px brains, 32 px digits, 2 epochs of batches of 32), in a temporary folder. */
async function tinyGrids(): Promise<{ cohort: string; digits: string; dir: string }> {
  const dir = await Deno.makeTempDir();
  const common = {
    models: ["small"],
    scales: ["quick"],
    widthMultiplier: 0.25,
    imageSize: 16,
    training: { epochs: 2, batchSize: 32 },
    cam: { methods: ["cam"] },
  };
  const cohort = `${dir}/tinyc.json`, digits = `${dir}/tinyd.json`;
  await Deno.writeTextFile(
    cohort,
    JSON.stringify({ name: "tinyc", datasets: ["cohort"], ...common, data: { camSubjects: 1 } }),
  );
  await Deno.writeTextFile(
    digits,
    JSON.stringify({
      name: "tinyd",
      datasets: ["digits"],
      ...common,
      imageSize: 32, // digits are drawn at 28 px at least
      data: { counts: { train: 48, val: 16, test: 16 }, locImages: 4 },
    }),
  );
  return { cohort, digits, dir };
}

Deno.test("deno task reproduce, run for real on tiny grids: which cohort, where results go, ETA, log lines", async (t) => {
  const { cohort, digits, dir } = await tinyGrids();
  const root = "experiments/_test_cli_run";
  const seed = 91; // a cohort of its own: data/synth/quick-s91
  const synth = `data/synth/quick-s${seed}`, cache = `data/cache/quick-s${seed}`;
  const cleanup = async () => {
    for (const path of [root, synth, cache]) await Deno.remove(path, { recursive: true }).catch(() => {});
  };
  await cleanup();
  try {
    let firstRun = "";
    await t.step(
      "--scale default, grids of scale quick: the quick cohort simulated, nothing of default",
      async () => {
        const { code, stdout, stderr } = await reproduce(
          "--scale",
          "default",
          "--seed",
          String(seed),
          "--grid",
          `${cohort},${digits}`,
          "--root",
          root,
        );
        assert.equal(code, 0, stderr);
        firstRun = stdout;
        assert.match(stdout, /\[reproduce\] simulating the quick cohort: \d+\/\d+/);
        assert.match(stdout, new RegExp(`simulated the quick cohort at ${synth} \\(\\d+ files written\\)`));
        assert.doesNotMatch(stdout, /^\[reproduce\] .*default cohort|synth\/default/m);
        // the grid that reads the cohort runs under a name of its seed; the digits grid keeps its own
        assert.match(stdout, /grid tinyc runs on the cohort simulated with seed 91 as tinyc\.seed91/);
        assert.ok(await exists(`${root}/tinyc.seed91/results.csv`));
        assert.ok(await exists(`${root}/tinyd/results.csv`));
      },
    );
    await t.step("every cell line carries the whole run's ETA, from the first cell on", () => {
      const lines = firstRun.split("\n").filter((l) => / cell \d+\/\d+ /.test(l));
      assert.equal(lines.length, 2);
      assert.match(lines[0], /tinyc\.seed91 cell 1\/1 cohort-small-gap-.*; the whole run ETA \d+ (s|min)/);
      assert.match(lines[1], /tinyd cell 1\/1 digits-small-gap-.*; the whole run ETA \d+ (s|min)/);
    });
    await t.step("output to a file (not a terminal): one progress line per epoch", () => {
      const epochs = firstRun.split("\n").filter((l) => /^epoch \d+\/2 /.test(l));
      assert.equal(epochs.length, 4, epochs.join("\n"));
      assert.ok(epochs.every((l) => / 100% /.test(l)));
    });
    await t.step("run again: the cohort is there and said so; the cells finished earlier", async () => {
      const { code, stdout, stderr } = await reproduce(
        "--seed",
        String(seed),
        "--grid",
        `${cohort},${digits}`,
        "--root",
        root,
      );
      assert.equal(code, 0, stderr);
      assert.match(stdout, new RegExp(`using the simulated quick cohort at ${synth} \\(already there\\)`));
      assert.doesNotMatch(stdout, /simulating/);
      assert.equal(stdout.match(/\(finished earlier\)/g)?.length, 2);
      // The plan knows: nothing timed, nothing to run.
      assert.match(stdout, /\[plan\] grid tinyc\.seed91: 1 cell, 1 finished earlier, 0 to run/);
      assert.match(
        stdout,
        /\[plan\] total: 2 cells \(2 finished earlier, 0 to run\), 0 training steps, ≈ 0 s/,
      );
      assert.match(stdout, /\[plan\] every cell finished earlier: nothing to train/);
      assert.doesNotMatch(stdout, /\[plan\] timing /);
    });
    await t.step("--data: its own folder; the simulated run's tables untouched", async () => {
      const before = await Deno.readFile(`${root}/tinyc.seed91/results.csv`);
      const { code, stdout, stderr } = await reproduce("--data", synth, "--grid", cohort, "--root", root);
      assert.equal(code, 0, stderr);
      assert.doesNotMatch(stdout, /simulat/);
      const grid = stdout.match(/grid (tinyc\.data-quick-s91-[0-9a-f]{6}): 1 cells/)?.[1];
      assert.ok(grid, stdout);
      assert.ok(await exists(`${root}/${grid}/results.csv`));
      assert.deepEqual(await Deno.readFile(`${root}/tinyc.seed91/results.csv`), before);
    });
    await t.step(
      "a k-fold grid: its fold cells planned and run, pooled tables printed and saved",
      async () => {
        const kfold = `${dir}/tinyk.json`;
        const config = JSON.parse(await Deno.readTextFile(cohort));
        await Deno.writeTextFile(
          kfold,
          JSON.stringify({ ...config, name: "tinyk", folds: 3, pooling: ["gap", "gmp"] }),
        );
        const { code, stdout, stderr } = await reproduce(
          "--seed",
          String(seed),
          "--grid",
          kfold,
          "--root",
          root,
        );
        assert.equal(code, 0, stderr);
        assert.match(stdout, /\[plan\] grid tinyk\.seed91: 6 cells/);
        assert.match(stdout, /subject split, 3-fold cross-validation: /);
        assert.match(stdout, /cohort-small-gap-subject-seed-quick-s0-f2of3-[0-9a-f]{6}/);
        assert.match(stdout, /k-fold over subjects, pooled over folds \(every subject tested once\)/);
        assert.match(stdout, /k-fold pairs on the same subjects \(exact McNemar\)/);
        assert.match(stdout, /held-out subjects' slice accuracy, paired over subjects \(sign-flip test\)/);
        assert.match(stdout, /3-fold cross-validation over subjects \(seed 0; every subject tested once\)/);
        for (
          const name of [
            "summary_folds",
            "summary_folds_localization",
            "summary_folds_pairs",
            "summary_folds_slice_pairs",
          ]
        ) {
          assert.ok(await exists(`${root}/tinyk.seed91/${name}.csv`), name);
        }
        const summary = await Deno.readTextFile(`${root}/tinyk.seed91/summary_folds.csv`);
        assert.match(
          summary,
          /^grid,dataset,config,model,pooling,seed,folds,folds_run,subjects,subjects_right,/,
        );
        // The two nets and the region-FA baseline on the same partition (lib/study's foldBaselineRows).
        assert.equal(summary.trim().split("\n").length, 4, summary);
        assert.match(summary, /\n,cohort,region-fa-logistic \(subject\),region-fa,logistic,0,3,3,12,\d+,/);
        // Three pairs under the cells' own rule (two nets and the baseline), and the nets' pair under the
        // validation threshold from their subjects tables (the baseline has none).
        const pairs = (await Deno.readTextFile(`${root}/tinyk.seed91/summary_folds_pairs.csv`)).trim().split(
          "\n",
        );
        assert.equal(pairs.length, 5, pairs.join("\n"));
        const rule = pairs[0].split(",").indexOf("rule");
        assert.deepEqual(pairs.slice(1).map((l) => l.split(",")[rule]), [
          "cell",
          "cell",
          "cell",
          "validation-threshold",
        ]);
        // The nets' pair on their test subjects' slice accuracy: one partition, so no pooled row; its mean
        // difference is the two nets' mean subject accuracy apart.
        const slicePairs = (await Deno.readTextFile(`${root}/tinyk.seed91/summary_folds_slice_pairs.csv`))
          .trim()
          .split("\n");
        assert.equal(slicePairs.length, 2, slicePairs.join("\n"));
        const cols = slicePairs[0].split(","), values = slicePairs[1].split(",");
        const col = (c: string) => Number(values[cols.indexOf(c)]);
        assert.equal(col("subjects"), 12);
        assert.ok(Math.abs(col("slice_acc_a") - col("slice_acc_b") - col("slice_acc_diff")) < 1e-12);
        assert.ok(col("signflip_p") > 0 && col("signflip_p") <= 1);
        // And summary_folds counts each net's subjects right under both rules.
        const header = summary.split("\n")[0].split(",");
        const [vote, threshold] = ["subjects_right_vote", "subjects_right_threshold"].map((c) =>
          header.indexOf(c)
        );
        for (const line of summary.trim().split("\n").slice(1, 3)) {
          const cols = line.split(",");
          assert.match(`${cols[vote]} ${cols[threshold]}`, /^\d+ \d+$/, line);
        }
      },
    );
    await t.step("a digits-only grid: no cohort simulated", async () => {
      const { code, stdout, stderr } = await reproduce("--grid", digits, "--root", root);
      assert.equal(code, 0, stderr);
      assert.match(stdout, /no grid reads the cohort: nothing to simulate/);
      assert.doesNotMatch(stdout, /simulat(ing|ed) the/);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
    await cleanup();
  }
});

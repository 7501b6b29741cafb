// The paper-size cell a 2-core machine can run (experiments/configs/paper-cell.json) and which grids
// `--scale paper` runs (lib/cli/reproduce.ts's scaleGrids). Nothing here trains: the cell's run is in the
// README ("One paper-size cell, run here").
import assert from "node:assert/strict";
import { WASM_HEAP_LIMIT } from "../../lib/backend/mod.ts";
import { splitBySubject } from "../../lib/data/mod.ts";
import { scaleGrids } from "../../lib/cli/reproduce.ts";
import {
  cellWorkload,
  expandStudyGrid,
  loadStudyGrid,
  reduceGrid,
  simulatedCohortShape,
  SLICES_PER_ACQUISITION,
  type StudyCell,
  workMemory,
} from "../../lib/study/mod.ts";

const CONFIGS = new URL("../../experiments/configs/", import.meta.url).pathname;

/** The one GoogLeNet-GAP cell of a grid file. */
async function googlenetCell(name: string): Promise<StudyCell> {
  const { cells } = await loadStudyGrid(`${CONFIGS}${name}.json`);
  const found = cells.filter((c) => c.model === "googlenet");
  assert.equal(found.length, 1, `${name}: one GoogLeNet cell`);
  return found[0];
}

/**
 * The plain 1/16-width GoogLeNet-GAP cell the paper cell was run beside (README, "One paper-size cell, run
 * here"): default-backbones as it was until 2026-12-07, before batch norm and the schedule (init "data", Adam
 * 2e-3 constant, Grad-CAM at conv2), found by its id.
 */
async function plainDefaultCell(): Promise<StudyCell> {
  const { config } = await loadStudyGrid(`${CONFIGS}default-backbones.json`);
  const { schedule: _s, warmupEpochs: _w, ...training } = config.training ?? {};
  const cells = expandStudyGrid({
    ...config,
    training,
    modelOptions: { init: "data" },
    cam: { ...config.cam, layers: { googlenet: "conv2" } },
  });
  const cell = cells.find((c) => c.model === "googlenet")!;
  assert.equal(cell.id, "cohort-googlenet-gap-subject-seed-default-s0-18f9d3");
  return cell;
}

Deno.test("paper-cell: GoogLeNet-GAP at full width and 224 px beside the plain 1/16-width cell", async (t) => {
  const paper = await googlenetCell("paper-cell");
  const small = await plainDefaultCell();
  const { cells } = await loadStudyGrid(`${CONFIGS}paper-cell.json`);

  await t.step("one cell: the paper's size, the default cohort, the subject split", () => {
    // The id its results are found by: the README's trained run at Adam 1e-4 (at 5e-4 it was ...-51b695).
    assert.deepEqual(cells.map((c) => c.id), ["cohort-googlenet-gap-subject-seed-default-s0-db5884"]);
    assert.equal(paper.dataset, "cohort");
    assert.equal(paper.pooling, "gap");
    assert.equal(paper.widthMultiplier, 1);
    assert.equal(paper.imageSize, 224);
    assert.equal(paper.scale, "default");
    assert.equal(paper.split, "subject");
    assert.deepEqual(paper.cam.methods, ["cam", "grad-cam", "grad-cam++", "saliency"]);
  });

  await t.step(
    "only width, input size, learning rate and the Grad-CAM layer differ from the 1/16-width cell",
    () => {
      const rest = (c: StudyCell) => {
        const { id: _id, grid: _grid, widthMultiplier: _w, imageSize: _s, training, cam, ...other } = c;
        const { learningRate: _lr, ...settings } = training;
        const { layers: _layers, ...camSettings } = cam;
        return { ...other, settings, camSettings };
      };
      assert.equal(small.widthMultiplier, 0.0625);
      assert.equal(small.imageSize, 96);
      // 2e-3 made the full-width net diverge in its first epoch, 5e-4 kept it at the prior (README, "One paper-size cell, run here").
      assert.deepEqual([paper.training.learningRate, small.training.learningRate], [1e-4, 2e-3]);
      assert.deepEqual(rest(paper), rest(small));
      // And the layer Grad-CAM explains: conv2 at 1/16 width (README, "Held-out subjects"), the CAM layer at full width.
      assert.deepEqual([paper.cam.layers, small.cam.layers], [undefined, { googlenet: "conv2" }]);
    },
  );

  await t.step("the same held-out subjects: 18 train / 4 val / 4 test, 2 acquisitions of 48 slices", () => {
    const shape = simulatedCohortShape("default");
    const a = cellWorkload(paper, shape), b = cellWorkload(small, shape);
    for (const w of [a, b]) {
      assert.deepEqual([w.trainSamples, w.valSamples, w.testSamples], [18 * 96, 4 * 96, 4 * 96]);
    }
    // The split cohort cells make (lib/study/cohort_cell.ts): by subject, seeded by the cell's seed.
    const metas = shape.subjects.flatMap((s) =>
      Array.from({ length: 2 * SLICES_PER_ACQUISITION }, () => ({ subject: s.id, group: s.group }))
    );
    assert.deepEqual(
      splitBySubject(metas, { seed: paper.seed }).subjects,
      splitBySubject(metas, { seed: small.seed }).subjects,
    );
  });

  await t.step("batch 32 runs as 2 micro-batches of 16 on the 4 GiB wasm heap", () => {
    const memory = workMemory(cellWorkload(paper, simulatedCohortShape("default")).work, WASM_HEAP_LIMIT);
    assert.deepEqual(memory.plan?.sizes, [16, 16]);
    assert.ok(memory.fullBatchBytes > 0.7 * WASM_HEAP_LIMIT, "the whole batch would not fit 70% of the heap");
    assert.ok(memory.plan!.estimateBytes < 0.7 * WASM_HEAP_LIMIT);
  });

  await t.step(
    "--epochs 4: run as paper-cell.epochs4, a cell of its own; --max-subjects applies",
    async () => {
      const { config } = await loadStudyGrid(`${CONFIGS}paper-cell.json`);
      const reduced = reduceGrid(config, { epochs: 4 });
      assert.equal(reduced.config.name, "paper-cell.epochs4");
      assert.deepEqual(reduced.applied, ["epochs 4 of 20"]);
      // A reduced run is a cell of its own (--epochs 2 at 5e-4, the README's history runs, was ...-bcb6ab).
      assert.deepEqual(
        expandStudyGrid(reduceGrid(config, { epochs: 2 }).config).map((c) => c.id),
        ["cohort-googlenet-gap-subject-seed-default-s0-d4c226"],
      );
      const subjects = reduceGrid(config, { maxSubjects: 10 });
      assert.equal(subjects.config.name, "paper-cell.subjects10");
    },
  );
});

Deno.test("scaleGrids: a scale's grids are named for it and run at it", async (t) => {
  await t.step("the repository's configs: --scale paper leaves paper-cell (default cohort) out", async () => {
    // Other grids may join a scale later: these must be there, and paper-cell must not.
    const paper = await scaleGrids("paper", { configDir: CONFIGS });
    for (const name of ["paper", "paper-gmp", "paper-inceptionv3", "digits-paper"]) {
      assert.ok(paper.names.includes(name), name);
    }
    assert.ok(!paper.names.includes("paper-cell"));
    assert.deepEqual(paper.skipped.find((g) => g.name === "paper-cell"), {
      name: "paper-cell",
      scales: ["default"],
    });
    const defaults = await scaleGrids("default", { configDir: CONFIGS });
    for (const name of ["default", "default-backbones", "digits-default"]) {
      assert.ok(defaults.names.includes(name), name);
    }
    assert.ok(!defaults.names.includes("paper-cell") && !defaults.names.includes("three-d-default"));
    // The k-fold grids (6x their cells) run only by name.
    for (const name of ["default-kfold", "default-backbones-kfold"]) {
      assert.ok(!defaults.names.includes(name), name);
      assert.deepEqual(defaults.folded.find((g) => g.name === name), { name, folds: 6 });
    }
  });

  await t.step(
    "by file name and `scales`; no `scales` means quick; folds run by name; a file that does not parse is kept",
    async () => {
      const dir = await Deno.makeTempDir();
      try {
        const write = (name: string, body: unknown) =>
          Deno.writeTextFile(`${dir}/${name}.json`, typeof body === "string" ? body : JSON.stringify(body));
        await write("quick", { name: "quick" });
        await write("quick-x", { name: "quick-x", scales: ["quick", "default"] });
        await write("quick-y", { name: "quick-y", scales: ["default"] });
        await write("digits-quick", { name: "digits-quick", scales: ["quick"] });
        await write("quick-broken", "{ not json");
        await write("quickly", { name: "quickly", scales: ["quick"] });
        await write("other-quick", { name: "other-quick", scales: ["quick"] });
        await write("quick-kfold", { name: "quick-kfold", scales: ["quick"], folds: 4 });
        const found = await scaleGrids("quick", { configDir: dir });
        assert.deepEqual(found.names, ["quick", "quick-broken", "quick-x", "digits-quick"]);
        assert.deepEqual(found.skipped, [{ name: "quick-y", scales: ["default"] }]);
        assert.deepEqual(found.folded, [{ name: "quick-kfold", folds: 4 }]);
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    },
  );
});

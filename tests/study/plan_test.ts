import assert from "node:assert/strict";
import type { GridConfig } from "../../lib/experiments/mod.ts";
import { runGrid } from "../../lib/experiments/mod.ts";
import { initBackend, WASM_HEAP_LIMIT } from "../../lib/backend/mod.ts";
import {
  cellWorkload,
  estimateRemaining,
  expandStudyGrid,
  formatPlan,
  formatSpan,
  loadStudyGrid,
  measureStep,
  type PlannedCell,
  planStudy,
  prepareCohortSlices,
  reduceGrid,
  selectSubjects,
  simulatedCohortShape,
  type StepTiming,
  workKey,
  workMemory,
} from "../../lib/study/mod.ts";
import { simulateCohort } from "../../lib/synth/mod.ts";

/** Two datasets x GAP/GMP x two splits: 4 cohort cells (quick cohort: 6 + 6 subjects, 1 acquisition) + 4 digits. */
const TINY: GridConfig = {
  name: "tiny",
  datasets: ["cohort", "digits"],
  models: ["small"],
  pooling: ["gap", "gmp"],
  splits: ["subject", "slice"],
  scales: ["quick"],
  widthMultiplier: 0.25,
  imageSize: 16,
  training: { epochs: 3, batchSize: 10 },
  cam: { methods: ["cam", "grad-cam"] },
  data: { camSubjects: 1, counts: { train: 95, val: 10, test: 20 }, locImages: 5 },
};

Deno.test("plan: the arithmetic on a tiny grid with stubbed step times", async (t) => {
  const cells = expandStudyGrid(TINY);
  const shape = simulatedCohortShape("quick");
  const workloads = cells.map((c) => cellWorkload(c, shape));
  // GAP and GMP share a timing; cohort (2 classes) and digits (10 classes) do not.
  const keys = [...new Set(workloads.map((w) => workKey(w.work)))];
  const cohortKey = "small 16x16x1 w0.25 c2 b10 adam", digitsKey = "small 16x16x1 w0.25 c10 b10 adam";
  const timings = new Map<string, StepTiming>([
    [cohortKey, { stepSeconds: 2, inferenceSecondsPerImage: 0.01 }],
    [digitsKey, { stepSeconds: 3, inferenceSecondsPerImage: 0.02 }],
  ]);
  const plan = planStudy(workloads, timings);

  await t.step("the cohort's shape and each cell's samples", () => {
    assert.deepEqual(keys.sort(), [digitsKey, cohortKey].sort());
    assert.equal(shape.subjects.length, 12);
    assert.deepEqual(shape.groups, ["young", "old"]);
    assert.ok(shape.subjects.every((s) => s.acquisitions === 1));
    // Subject split of 6 + 6: 4 + 1 + 1 subjects per group, 48 slices each.
    const subject = plan.cells.find((c) => c.dataset === "cohort" && c.split === "subject")!;
    assert.deepEqual([subject.trainSamples, subject.valSamples, subject.testSamples], [384, 96, 96]);
    const slice = plan.cells.find((c) => c.dataset === "cohort" && c.split === "slice")!;
    assert.equal(slice.trainSamples + slice.valSamples + slice.testSamples, 12 * 48);
    const digits = plan.cells.find((c) => c.dataset === "digits")!;
    assert.deepEqual([digits.trainSamples, digits.valSamples, digits.testSamples], [95, 10, 20]);
  });
  await t.step("steps = ⌈train / batch⌉ x epochs; seconds = steps x s/step + passes x s/image", () => {
    const subject = plan.cells.find((c) => c.dataset === "cohort" && c.split === "subject")!;
    assert.equal(subject.stepsPerEpoch, 39); // ⌈384 / 10⌉
    assert.equal(subject.steps, 117);
    assert.equal(subject.trainSeconds, 234);
    // validation every epoch + the test pass: (96·3 + 96) · 0.01
    assert.ok(Math.abs(subject.evalSeconds - 3.84) < 1e-9);
    // 1 CAM subject x 48 slices x (cam 1 + grad-cam 3) passes x 0.01
    assert.ok(Math.abs(subject.camSeconds - 1.92) < 1e-9);
    assert.ok(Math.abs(subject.seconds - (234 + 3.84 + 1.92)) < 1e-9);
    const digits = plan.cells.find((c) => c.dataset === "digits")!;
    assert.equal(digits.stepsPerEpoch, 10); // ⌈95 / 10⌉: the last batch is smaller
    assert.equal(digits.steps, 30);
    assert.equal(digits.trainSeconds, 90);
    assert.ok(Math.abs(digits.evalSeconds - (10 * 3 + 20) * 0.02) < 1e-9);
    // 5 images x 6 maps (top-5 and the true class) x 4 passes x 0.02
    assert.ok(Math.abs(digits.camSeconds - 5 * 6 * 4 * 0.02) < 1e-9);
  });
  await t.step("grid and study totals are the cells' sums", () => {
    assert.equal(plan.grids.length, 1);
    assert.equal(plan.grids[0].cells, 8);
    assert.equal(plan.steps, plan.cells.reduce((s, c) => s + c.steps, 0));
    assert.ok(Math.abs(plan.seconds - plan.cells.reduce((s, c) => s + c.seconds, 0)) < 1e-9);
    assert.deepEqual(plan.untimed, []);
    assert.deepEqual(plan.empty, []);
  });
  await t.step("a model without a timing: its cells' seconds are unknown, and said", () => {
    const partial = planStudy(workloads, new Map([[cohortKey, timings.get(cohortKey)!]]));
    assert.deepEqual(partial.untimed, [digitsKey]);
    assert.ok(Number.isNaN(partial.seconds));
    const memory = workMemory(workloads[0].work, null);
    const text = formatPlan(partial, new Map([[cohortKey, { work: workloads[0].work, memory }]]), {}).join(
      "\n",
    );
    assert.match(text, /not timed: small 16x16x1 w0\.25 c10 b10 adam/);
    assert.match(text, /≈ \? per cell/);
  });
  await t.step("the printed plan: models, grid lines and the total", () => {
    const models = new Map(
      [...new Set(workloads.map((w) => workKey(w.work)))].map((k) => {
        const work = workloads.find((w) => workKey(w.work) === k)!.work;
        return [k, { work, memory: workMemory(work, null), timing: timings.get(k) }];
      }),
    );
    const lines = formatPlan(plan, models, { notes: ["a note"] });
    const text = lines.join("\n");
    assert.ok(lines.every((l) => l.startsWith("[plan] ")));
    assert.match(text, /2 models to train/);
    assert.match(
      text,
      /small 16x16x1 w0\.25 c2 b10 adam\s+whole batch, .* per step; 2\.0 s\/step, 10 ms per inference/,
    );
    assert.match(
      text,
      /1 x small-gap 16 px width 0\.25, subject split: 384 train \/ 96 val \/ 96 test samples → 39 steps\/epoch x 3 epochs = 117 steps/,
    );
    assert.match(text, /grid tiny: 8 cells/);
    assert.match(text, /2 x small-gap 16 px width 0\.25: 95 train \/ 10 val \/ 20 test samples/);
    assert.match(
      text,
      new RegExp(`total: 8 cells, ${plan.steps} training steps, ≈ ${formatSpan(plan.seconds)}`),
    );
    assert.match(text, /\[plan\] a note$/m);
  });
});

Deno.test("plan: cells finished earlier are counted apart, untimed and out of the totals and the ETA", () => {
  const cells = expandStudyGrid(TINY);
  const workloads = cells.map((c) => cellWorkload(c, simulatedCohortShape("quick")));
  const cohortKey = "small 16x16x1 w0.25 c2 b10 adam", digitsKey = "small 16x16x1 w0.25 c10 b10 adam";
  const timing = { stepSeconds: 2, inferenceSecondsPerImage: 0.01 };
  const full = planStudy(workloads, new Map([[cohortKey, timing], [digitsKey, timing]]));
  // Every digits cell finished: the digits model needs no timing.
  const done = new Set(cells.filter((c) => c.dataset === "digits").map((c) => c.id));
  const plan = planStudy(workloads, new Map([[cohortKey, timing]]), { finished: done });
  const left = full.cells.filter((c) => !done.has(c.id));
  assert.deepEqual(plan.untimed, []);
  assert.equal(plan.finished, 4);
  assert.deepEqual(plan.cells.filter((c) => c.finished).map((c) => c.id).sort(), [...done].sort());
  assert.equal(plan.steps, left.reduce((s, c) => s + c.steps, 0));
  assert.ok(Math.abs(plan.seconds - left.reduce((s, c) => s + c.seconds, 0)) < 1e-9);
  assert.deepEqual([plan.grids[0].cells, plan.grids[0].finished], [8, 4]);
  // The ETA before any cell ran is the cells to run, not the whole grid.
  assert.ok(Math.abs(estimateRemaining(plan, new Map()) - plan.seconds) < 1e-9);
  assert.ok(plan.seconds < full.seconds);
  const models = new Map([[cohortKey, {
    work: workloads[0].work,
    memory: workMemory(workloads[0].work, null),
    timing,
  }]]);
  const text = formatPlan(plan, models).join("\n");
  assert.match(text, /1 model to train/);
  assert.match(text, /grid tiny: 8 cells, 4 finished earlier, 4 to run/);
  assert.doesNotMatch(text, /small-gap 16 px width 0\.25: 95 train/, "no line for the finished digits cells");
  assert.match(text, /total: 8 cells \(4 finished earlier, 4 to run\), \d+ training steps/);
});

Deno.test("plan: measureStep times the median of its steps", async () => {
  await initBackend();
  const work = {
    model: "small-gap",
    inputShape: [16, 16, 1] as [number, number, number],
    numClasses: 2,
    widthMultiplier: 0.25,
    batchSize: 4,
    optimizer: "adam" as const,
  };
  const timing = await measureStep(work, { warmup: 1, steps: 3 });
  assert.equal(timing.stepTimes?.length, 3);
  const sorted = [...timing.stepTimes!].sort((a, b) => a - b);
  assert.equal(timing.stepSeconds, sorted[1]);
  assert.ok(timing.inferenceSecondsPerImage > 0);
});

Deno.test("plan: durations for people", () => {
  assert.equal(formatSpan(42.4), "42 s");
  assert.equal(formatSpan(200), "3 min 20 s");
  assert.equal(formatSpan(5 * 3600 + 7 * 60), "5 h 07 min");
  assert.equal(formatSpan(21 * 86400 + 4 * 3600 + 59), "21 d 4 h");
  assert.equal(formatSpan(NaN), "?");
});

Deno.test("plan: memory of a paper-size step comes from lib/train's micro-batch plan", () => {
  const work = {
    model: "googlenet-gap",
    inputShape: [224, 224, 1] as [number, number, number],
    numClasses: 2,
    widthMultiplier: 1,
    batchSize: 64,
    optimizer: "adam" as const,
  };
  const wasm = workMemory(work, WASM_HEAP_LIMIT);
  assert.ok(wasm.plan && wasm.plan.sizes.length > 1, "64 at 224 px is split on the 4 GiB wasm heap");
  assert.equal(wasm.plan.sizes.reduce((a, b) => a + b, 0), 64);
  assert.ok(wasm.fullBatchBytes > WASM_HEAP_LIMIT);
  assert.ok(wasm.plan.estimateBytes < 0.7 * WASM_HEAP_LIMIT);
  const none = workMemory(work, null);
  assert.deepEqual(none.plan?.sizes, [64]);
  const tooBig = workMemory({ ...work, inputShape: [2048, 2048, 1] }, WASM_HEAP_LIMIT);
  assert.equal(tooBig.plan, null);
  assert.match(tooBig.error!, /googlenet-gap/);
});

Deno.test("plan: selectSubjects keeps each group's share", () => {
  const subjects = [
    ...Array.from({ length: 12 }, (_, i) => ({ id: `y${i}`, group: "young" })),
    ...Array.from({ length: 14 }, (_, i) => ({ id: `o${i}`, group: "old" })),
  ];
  const ten = selectSubjects(subjects, 10, ["young", "old"]);
  assert.deepEqual(ten.map((s) => s.id), ["y0", "y1", "y2", "y3", "y4", "o0", "o1", "o2", "o3", "o4"]);
  const thirteen = selectSubjects(subjects, 13, ["young", "old"]);
  assert.deepEqual([thirteen.filter((s) => s.group === "young").length, thirteen.length], [6, 13]);
  assert.equal(selectSubjects(subjects, 26).length, 26);
  assert.equal(selectSubjects(subjects, 99).length, 26);
  assert.deepEqual(selectSubjects(subjects, 1, ["young", "old"]).map((s) => s.id), ["y0"]);
  assert.deepEqual(selectSubjects(subjects, 2, ["young", "old"]).map((s) => s.id), ["y0", "o0"]);
  assert.throws(() => selectSubjects(subjects, 0), RangeError);
});

Deno.test("plan: reduced runs get their own grid name, ids and folder; full runs keep theirs", async (t) => {
  const { config: paper, cells: full } = await loadStudyGrid(
    new URL("../../experiments/configs/paper.json", import.meta.url).pathname,
  );
  await t.step("no overrides, or overrides that change nothing: the same config and ids", () => {
    assert.equal(reduceGrid(paper, {}).config, paper);
    const same = reduceGrid(paper, { epochs: 30 });
    assert.equal(same.config, paper);
    assert.match(same.notes[0], /--epochs 30 is its own/);
    assert.deepEqual(expandStudyGrid(same.config).map((c) => c.id), full.map((c) => c.id));
    // digits grids have no subjects to reduce
    const digits: GridConfig = { name: "d", datasets: ["digits"], models: ["small"] };
    const r = reduceGrid(digits, { maxSubjects: 10 });
    assert.equal(r.config, digits);
    assert.match(r.notes[0], /does not apply/);
  });
  await t.step("--epochs and --max-subjects: renamed, recorded in every cell, new ids", () => {
    const { config, applied } = reduceGrid(paper, { epochs: 2, maxSubjects: 10 });
    assert.equal(config.name, "paper.epochs2.subjects10");
    assert.deepEqual(applied, ["epochs 2 of 30", "at most 10 subjects"]);
    assert.match(config.description!, /^Reduced run of grid paper \(epochs 2 of 30, at most 10 subjects\)/);
    const cells = expandStudyGrid(config);
    assert.equal(cells.length, full.length);
    const fullIds = new Set(full.map((c) => c.id));
    for (const c of cells) {
      assert.ok(!fullIds.has(c.id), c.id);
      assert.equal(c.grid, "paper.epochs2.subjects10");
      assert.equal(c.training.epochs, 2);
      assert.equal(c.dataset === "cohort" && c.data.maxSubjects, 10);
    }
    // Each override alone also changes the ids.
    const onlyEpochs = expandStudyGrid(reduceGrid(paper, { epochs: 2 }).config);
    assert.ok(onlyEpochs.every((c) => !fullIds.has(c.id)));
    // The plan counts 10 subjects (5 + 5): 3 + 1 + 1 per group in a subject split, 8 acquisitions x 48.
    const w = cellWorkload(cells.find((c) => c.split === "subject")!, simulatedCohortShape("paper"));
    assert.deepEqual([w.trainSamples, w.valSamples, w.testSamples], [6 * 8 * 48, 2 * 8 * 48, 2 * 8 * 48]);
    assert.equal(w.epochs, 2);
  });
  await t.step("the manifest of a reduced cell records the overrides", async () => {
    const root = await Deno.makeTempDir();
    try {
      const cohortOnly = {
        ...TINY,
        datasets: ["cohort"],
        pooling: ["gap" as const],
        data: { camSubjects: 1 },
      };
      const config = reduceGrid(cohortOnly, { epochs: 1, maxSubjects: 12 }).config;
      const [cell] = expandStudyGrid(config);
      await runGrid([cell], () => Promise.resolve({ results: [{ accuracy: 1 }] }), { root });
      const manifest = JSON.parse(
        await Deno.readTextFile(`${root}/tiny.epochs1.subjects12/${cell.id}/manifest.json`),
      );
      assert.equal(manifest.status, "done");
      assert.equal(manifest.config.grid, "tiny.epochs1.subjects12");
      assert.equal(manifest.config.training.epochs, 1);
      assert.equal(manifest.config.data.maxSubjects, 12);
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  });
});

Deno.test("plan: a cohort cell's maxSubjects reaches the slices (each group its share)", async () => {
  const root = await Deno.makeTempDir({ prefix: "cam-plan-test-" });
  try {
    const cohort = await simulateCohort(`${root}/cohort`, {
      scale: "quick",
      groups: [
        { name: "young", count: 3, minAge: 8, maxAge: 15 },
        { name: "old", count: 3, minAge: 25, maxAge: 75 },
      ],
      acquisitions: 1,
      shape: 16,
      directions: 12,
      workers: 0,
    });
    const options = { imageSize: 16, slicesPerAxis: 4, cacheDir: `${root}/cache` };
    const all = await prepareCohortSlices(cohort.dir, options);
    const four = await prepareCohortSlices(cohort.dir, { ...options, maxSubjects: 4 });
    assert.equal(all.cohort.subjects.length, 6);
    const kept = four.cohort.subjects;
    assert.deepEqual(kept.map((s) => s.group).sort(), ["old", "old", "young", "young"]);
    assert.deepEqual(
      kept.map((s) => s.id),
      selectSubjects(all.cohort.subjects, 4, all.groups).map((s) => s.id),
    );
    assert.equal(four.samples.length, 4 * 12);
    assert.deepEqual(new Set(four.samples.map((s) => s.subject)), new Set(kept.map((s) => s.id)));
    assert.deepEqual(four.groups, all.groups);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("plan: the whole run's ETA from the plan, scaled by the cells measured so far", async (t) => {
  const cells = [
    { id: "a", seconds: 100 },
    { id: "b", seconds: 50 },
    { id: "c", seconds: 30 },
    { id: "d", seconds: 20 },
  ] as PlannedCell[];
  await t.step("before any cell ran: every planned second (never '?' for the first cell)", () => {
    assert.equal(estimateRemaining({ cells }, new Map()), 200);
  });
  await t.step("cells finished earlier leave the sum without changing the rate", () => {
    assert.equal(estimateRemaining({ cells }, new Map([["a", null]])), 100);
  });
  await t.step("a cell that took twice its plan doubles the rest", () => {
    // a: planned 100, took 200 → ratio 2; left b + c + d = 100 planned → 200
    assert.equal(estimateRemaining({ cells }, new Map([["a", 200]])), 200);
    // a 200 / 100 and b 25 / 50: ratio 225 / 150 = 1.5; left c + d = 50 → 75
    assert.equal(estimateRemaining({ cells }, new Map([["a", 200], ["b", 25]])), 75);
  });
  await t.step("all done: 0; a cell left without a planned time: unknown", () => {
    const all = new Map(cells.map((c) => [c.id, 1]));
    assert.equal(estimateRemaining({ cells }, all), 0);
    const untimed = [...cells, { id: "e", seconds: NaN } as PlannedCell];
    assert.ok(Number.isNaN(estimateRemaining({ cells: untimed }, new Map())));
    assert.equal(formatSpan(estimateRemaining({ cells: untimed }, new Map())), "?");
  });
});

Deno.test("plan: a k-fold grid counts its fold cells, each with its own fold's samples", () => {
  const folded: GridConfig = {
    ...TINY,
    datasets: ["cohort"],
    splits: ["subject"],
    folds: 4,
    data: { camSubjects: 1 },
  };
  const shape = simulatedCohortShape("quick");
  const workloads = expandStudyGrid(folded).map((c) => cellWorkload(c, shape));
  const timing = { stepSeconds: 2, inferenceSecondsPerImage: 0.01 };
  const plan = planStudy(workloads, new Map([["small 16x16x1 w0.25 c2 b10 adam", timing]]));
  // GAP and GMP x 4 folds.
  assert.equal(plan.grids[0].cells, 8);
  assert.ok(plan.cells.every((c) => c.folds === 4));
  // 12 subjects (6 + 6) in 4 folds: 3 test subjects a fold (2 of one group, 1 of the other), 1 validation
  // subject per group from the rest, 7 train; every subject tested once over the 4 folds.
  for (const c of plan.cells) {
    assert.deepEqual([c.trainSamples, c.valSamples, c.testSamples], [7 * 48, 96, 3 * 48]);
  }
  const gap = plan.cells.filter((c) => c.work.model === "small-gap");
  assert.equal(gap.reduce((a, c) => a + c.testSamples, 0), 12 * 48);
  const models = new Map([[
    "small 16x16x1 w0.25 c2 b10 adam",
    { work: workloads[0].work, memory: workMemory(workloads[0].work, null), timing },
  ]]);
  const text = formatPlan(plan, models).join("\n");
  assert.match(text, /grid tiny: 8 cells/);
  assert.match(
    text,
    /4 x small-gap 16 px width 0\.25, subject split, 4-fold cross-validation: 336 train \/ 96 val \/ 144 test/,
  );
});

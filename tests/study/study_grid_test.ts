import assert from "node:assert/strict";
import { expandGrid, GridError } from "../../lib/experiments/mod.ts";
import {
  bindCohortSource,
  expandStudyGrid,
  loadStudyGrid,
  needsCohort,
  simulatesOwnCohort,
  studyCell,
  studyRunner,
} from "../../lib/study/mod.ts";

/**
 * The cell ids of every config in experiments/configs, as the grid made them before configs were checked
 * (commit 4436598): results of earlier runs are found by these ids, so checking must not change one.
 */
const IDS: Record<string, string[]> = {
  // New settings since (data-dependent init, Adam 2e-3: README, "The backbones at the default scale"; then
  // Grad-CAM at GoogLeNet's conv2, which hashes into both cells; since 2026-12-07 batch norm, warm-up and
  // cosine decay and Grad-CAM at AlexNet's conv1), so new cells: results made with the old settings must not
  // be taken for these (the plain nets were ...-30025e and ...-18f9d3, at the CAM layer ...-da71f4 and ...-381c8c).
  "default-backbones": [
    "cohort-alexnet-gap-subject-seed-default-s0-092ebc",
    "cohort-googlenet-gap-subject-seed-default-s0-767a8a",
  ],
  // k-fold over subjects (6 folds: every subject tested once), run only by name.
  "default-kfold": [
    "cohort-small-gap-subject-seed-default-s0-f0of6-c017e6",
    "cohort-small-gap-subject-seed-default-s0-f1of6-02017e",
    "cohort-small-gap-subject-seed-default-s0-f2of6-d08490",
    "cohort-small-gap-subject-seed-default-s0-f3of6-3caf4d",
    "cohort-small-gap-subject-seed-default-s0-f4of6-07d26b",
    "cohort-small-gap-subject-seed-default-s0-f5of6-22d355",
    "cohort-small-gmp-subject-seed-default-s0-f0of6-92bbea",
    "cohort-small-gmp-subject-seed-default-s0-f1of6-c948c9",
    "cohort-small-gmp-subject-seed-default-s0-f2of6-8b8a2f",
    "cohort-small-gmp-subject-seed-default-s0-f3of6-3cb064",
    "cohort-small-gmp-subject-seed-default-s0-f4of6-d1f489",
    "cohort-small-gmp-subject-seed-default-s0-f5of6-cb6920",
  ],
  "default-backbones-kfold": [
    "cohort-alexnet-gap-subject-seed-default-s0-f0of6-bc149e",
    "cohort-alexnet-gap-subject-seed-default-s0-f1of6-59203c",
    "cohort-alexnet-gap-subject-seed-default-s0-f2of6-555bd5",
    "cohort-alexnet-gap-subject-seed-default-s0-f3of6-583507",
    "cohort-alexnet-gap-subject-seed-default-s0-f4of6-e03fd9",
    "cohort-alexnet-gap-subject-seed-default-s0-f5of6-8e5dbb",
    "cohort-googlenet-gap-subject-seed-default-s0-f0of6-b5ee4a",
    "cohort-googlenet-gap-subject-seed-default-s0-f1of6-7635c7",
    "cohort-googlenet-gap-subject-seed-default-s0-f2of6-2f2248",
    "cohort-googlenet-gap-subject-seed-default-s0-f3of6-f6fe52",
    "cohort-googlenet-gap-subject-seed-default-s0-f4of6-174a72",
    "cohort-googlenet-gap-subject-seed-default-s0-f5of6-ddf60e",
  ],
  // 3-fold on the 78-subject cohort (meant for --data data/synth/large78-s0, which tags them; untagged here).
  "cohort78-kfold": [
    "cohort-small-gap-subject-seed-default-s0-f0of3-ad206b",
    "cohort-small-gap-subject-seed-default-s0-f1of3-083165",
    "cohort-small-gap-subject-seed-default-s0-f2of3-0ee47e",
    "cohort-small-gmp-subject-seed-default-s0-f0of3-d1f21e",
    "cohort-small-gmp-subject-seed-default-s0-f1of3-ab7836",
    "cohort-small-gmp-subject-seed-default-s0-f2of3-e62a73",
  ],
  "cohort78-backbones-kfold": [
    "cohort-alexnet-gap-subject-seed-default-s0-f0of3-136b53",
    "cohort-alexnet-gap-subject-seed-default-s0-f1of3-cc7b3c",
    "cohort-alexnet-gap-subject-seed-default-s0-f2of3-e9ba52",
    "cohort-googlenet-gap-subject-seed-default-s0-f0of3-afadfc",
    "cohort-googlenet-gap-subject-seed-default-s0-f1of3-089bf8",
    "cohort-googlenet-gap-subject-seed-default-s0-f2of3-e6be5c",
  ],
  "default": [
    "cohort-small-gap-subject-seed-default-s0-fcc3c7",
    "cohort-small-gap-slice-seed-default-s0-e622a6",
    "cohort-small-gmp-subject-seed-default-s0-12eabe",
    "cohort-small-gmp-slice-seed-default-s0-0bace7",
  ],
  "digits-default": [
    "digits-small-gap-subject-none-default-s0-37ceed",
    "digits-small-gmp-subject-none-default-s0-58fe69",
  ],
  "digits-paper": [
    "digits-alexnet-gap-subject-none-paper-s0-95ee34",
    "digits-alexnet-gmp-subject-none-paper-s0-62e63d",
    "digits-vgg16-gap-subject-none-paper-s0-52d565",
    "digits-vgg16-gmp-subject-none-paper-s0-c03d54",
    "digits-googlenet-gap-subject-none-paper-s0-4e21bc",
    "digits-googlenet-gmp-subject-none-paper-s0-85cd20",
  ],
  "digits-quick": [
    "digits-small-gap-subject-none-quick-s0-2434c9",
    "digits-small-gmp-subject-none-quick-s0-4082d6",
  ],
  "paper-gmp": [
    "cohort-googlenet-gmp-subject-seed-paper-s0-c8e97b",
    "cohort-googlenet-gmp-subject-seed-paper-s1-39098d",
    "cohort-googlenet-gmp-subject-seed-paper-s2-a67c6e",
  ],
  "paper-inceptionv3": [
    "cohort-inceptionv3-gap-subject-seed-paper-s0-30ef96",
    "cohort-inceptionv3-gap-subject-seed-paper-s1-a83706",
    "cohort-inceptionv3-gap-subject-seed-paper-s2-bafed0",
  ],
  "paper": [
    "cohort-alexnet-gap-subject-seed-paper-s0-4327b0",
    "cohort-alexnet-gap-subject-seed-paper-s1-df6a80",
    "cohort-alexnet-gap-subject-seed-paper-s2-f348a1",
    "cohort-alexnet-gap-slice-seed-paper-s0-613cc6",
    "cohort-alexnet-gap-slice-seed-paper-s1-b1305a",
    "cohort-alexnet-gap-slice-seed-paper-s2-53f050",
    "cohort-alexnet-bn-gap-subject-seed-paper-s0-07aa84",
    "cohort-alexnet-bn-gap-subject-seed-paper-s1-ae77dd",
    "cohort-alexnet-bn-gap-subject-seed-paper-s2-0ec0ac",
    "cohort-alexnet-bn-gap-slice-seed-paper-s0-c726f6",
    "cohort-alexnet-bn-gap-slice-seed-paper-s1-7afdb2",
    "cohort-alexnet-bn-gap-slice-seed-paper-s2-ddcaec",
    "cohort-vgg16-gap-subject-seed-paper-s0-ea2aaa",
    "cohort-vgg16-gap-subject-seed-paper-s1-33cb0c",
    "cohort-vgg16-gap-subject-seed-paper-s2-90c52e",
    "cohort-vgg16-gap-slice-seed-paper-s0-abb9e1",
    "cohort-vgg16-gap-slice-seed-paper-s1-4d8379",
    "cohort-vgg16-gap-slice-seed-paper-s2-7421ff",
    "cohort-googlenet-gap-subject-seed-paper-s0-950c8c",
    "cohort-googlenet-gap-subject-seed-paper-s1-624414",
    "cohort-googlenet-gap-subject-seed-paper-s2-f1d24c",
    "cohort-googlenet-gap-slice-seed-paper-s0-90d61a",
    "cohort-googlenet-gap-slice-seed-paper-s1-01ecc0",
    "cohort-googlenet-gap-slice-seed-paper-s2-553461",
  ],
  "quick": [
    "cohort-small-gap-subject-seed-quick-s0-244395",
    "cohort-small-gap-slice-seed-quick-s0-b209a5",
    "cohort-small-gmp-subject-seed-quick-s0-ba67d3",
    "cohort-small-gmp-slice-seed-quick-s0-0b81b2",
  ],
  "transfer-default": [
    "transfer-small-gap-subject-none-default-s0-e653ff",
  ],
  "transfer-quick": [
    "transfer-small-gap-subject-none-quick-s0-5d6371",
  ],
};

/** The same with the cohort's identity in `data` (`deno task reproduce --data PATH`: `cohort` = its path). */
const TAGGED_IDS: Record<string, string[]> = {
  "default-backbones": [
    "cohort-alexnet-gap-subject-seed-default-s0-de1f41",
    "cohort-googlenet-gap-subject-seed-default-s0-3fdf80",
  ],
  "default": [
    "cohort-small-gap-subject-seed-default-s0-8495e0",
    "cohort-small-gap-slice-seed-default-s0-a6b139",
    "cohort-small-gmp-subject-seed-default-s0-d19050",
    "cohort-small-gmp-slice-seed-default-s0-c1d2b2",
  ],
  "paper-gmp": [
    "cohort-googlenet-gmp-subject-seed-paper-s0-4ccadb",
    "cohort-googlenet-gmp-subject-seed-paper-s1-c3fd71",
    "cohort-googlenet-gmp-subject-seed-paper-s2-a77d74",
  ],
  "paper-inceptionv3": [
    "cohort-inceptionv3-gap-subject-seed-paper-s0-4e543f",
    "cohort-inceptionv3-gap-subject-seed-paper-s1-95528c",
    "cohort-inceptionv3-gap-subject-seed-paper-s2-e1578b",
  ],
  "paper": [
    "cohort-alexnet-gap-subject-seed-paper-s0-d76e50",
    "cohort-alexnet-gap-subject-seed-paper-s1-804d54",
    "cohort-alexnet-gap-subject-seed-paper-s2-315ea2",
    "cohort-alexnet-gap-slice-seed-paper-s0-fced95",
    "cohort-alexnet-gap-slice-seed-paper-s1-7dfcd7",
    "cohort-alexnet-gap-slice-seed-paper-s2-efe82d",
    "cohort-alexnet-bn-gap-subject-seed-paper-s0-988e2d",
    "cohort-alexnet-bn-gap-subject-seed-paper-s1-4ae226",
    "cohort-alexnet-bn-gap-subject-seed-paper-s2-fd95e0",
    "cohort-alexnet-bn-gap-slice-seed-paper-s0-8f31a2",
    "cohort-alexnet-bn-gap-slice-seed-paper-s1-45b7f5",
    "cohort-alexnet-bn-gap-slice-seed-paper-s2-becc84",
    "cohort-vgg16-gap-subject-seed-paper-s0-5c0e5c",
    "cohort-vgg16-gap-subject-seed-paper-s1-cd2487",
    "cohort-vgg16-gap-subject-seed-paper-s2-09c191",
    "cohort-vgg16-gap-slice-seed-paper-s0-78cd6c",
    "cohort-vgg16-gap-slice-seed-paper-s1-9a7460",
    "cohort-vgg16-gap-slice-seed-paper-s2-53176f",
    "cohort-googlenet-gap-subject-seed-paper-s0-680198",
    "cohort-googlenet-gap-subject-seed-paper-s1-3d597b",
    "cohort-googlenet-gap-subject-seed-paper-s2-53db48",
    "cohort-googlenet-gap-slice-seed-paper-s0-2eb01d",
    "cohort-googlenet-gap-slice-seed-paper-s1-d12029",
    "cohort-googlenet-gap-slice-seed-paper-s2-49a241",
  ],
  "quick": [
    "cohort-small-gap-subject-seed-quick-s0-b6ea9e",
    "cohort-small-gap-slice-seed-quick-s0-445eb8",
    "cohort-small-gmp-subject-seed-quick-s0-7eb8d3",
    "cohort-small-gmp-slice-seed-quick-s0-b4213e",
  ],
  "transfer-default": [
    "transfer-small-gap-subject-none-default-s0-86fd69",
  ],
  "transfer-quick": [
    "transfer-small-gap-subject-none-quick-s0-31d69d",
  ],
};

const CONFIGS = new URL("../../experiments/configs/", import.meta.url).pathname;

Deno.test("study grids: every config loads checked, with the cell ids of earlier runs", async (t) => {
  const names = [...Deno.readDirSync(CONFIGS)].map((e) => e.name.replace(/\.json$/, "")).sort();
  for (const name of Object.keys(IDS)) assert.ok(names.includes(name), `${name}.json is gone`);
  for (const name of names) {
    await t.step(name, async () => {
      const { config, cells } = await loadStudyGrid(`${CONFIGS}${name}.json`);
      if (!IDS[name]) return; // a config newer than the pinned ids: loading checked is the test
      assert.deepEqual(cells.map((c) => c.id), IDS[name]);
      assert.deepEqual(expandGrid(config).map((c) => c.id), IDS[name], "the same ids without the schema");
      if (TAGGED_IDS[name]) {
        const tagged = expandStudyGrid({ ...config, data: { ...config.data, cohort: "/data/hcp" } });
        assert.deepEqual(tagged.map((c) => c.id), TAGGED_IDS[name]);
      }
    });
  }
});

Deno.test("study grids: a bad config is a GridError naming the file and the field", async (t) => {
  const dir = await Deno.makeTempDir();
  const quick = JSON.parse(await Deno.readTextFile(`${CONFIGS}quick.json`));
  const digits = JSON.parse(await Deno.readTextFile(`${CONFIGS}digits-quick.json`));
  const transfer = JSON.parse(await Deno.readTextFile(`${CONFIGS}transfer-quick.json`));
  const threeD = JSON.parse(await Deno.readTextFile(`${CONFIGS}three-d-quick.json`));
  const cases: [string, Record<string, unknown>, string][] = [
    [
      "a count written as a string",
      { ...digits, data: { counts: { train: "16", val: 200, test: 200 } } },
      'data.counts.train: expected a positive integer, got "16"',
    ],
    [
      "an unknown dataset kind",
      { ...digits, datasets: ["mnist"] },
      'datasets[0]: unknown dataset "mnist" (known: cohort, digits, transfer, volume)',
    ],
    [
      "a misspelt cohort option",
      { ...quick, data: { maxAcquisition: 2 } },
      'data.maxAcquisition: unknown field for "cohort" cells (did you mean "maxAcquisitions"?); known: ' +
      "camSubjects, cohort, maxAcquisitions, maxSubjects, subjectRule",
    ],
    [
      "a cohort option in a digits grid",
      { ...digits, data: { ...digits.data, camSubjects: 2 } },
      'data.camSubjects: unknown field for "digits" cells; known: counts, dataSeed, locImages',
    ],
    [
      "an unknown transfer target",
      { ...transfer, data: { ...transfer.data, targets: ["digits", "faces"] } },
      'data.targets[1]: expected one of "digits", "garments", "cohort", got "faces"',
    ],
    [
      "an unknown CAM method",
      { ...quick, cam: { methods: ["cam", "gradcam"] } },
      'cam.methods[1]: unknown CAM method "gradcam" (known: cam, grad-cam, grad-cam++, score-cam, saliency)',
    ],
    [
      "folds in a 3-D (volume) grid",
      { ...threeD, folds: 6 },
      'datasets[0]: "volume" cells cannot run as folds (folds: k-fold over subjects is for "cohort" cells)',
    ],
    [
      "folds in a digits grid",
      { ...digits, folds: 6 },
      'datasets[0]: "digits" cells cannot run as folds (folds: k-fold over subjects is for "cohort" cells)',
    ],
    [
      "folds over the leaky slice split",
      { ...quick, splits: ["subject", "slice"], folds: 6 },
      'splits[1]: k-fold cross-validation splits subjects: "slice" cannot run as folds',
    ],
    [
      "an unknown augmentation",
      { ...quick, augmentations: ["seeds"] },
      'augmentations[0]: unknown augmentation "seeds" (known: none, seed, seed-shift)',
    ],
  ];
  for (const [what, config, message] of cases) {
    await t.step(what, async () => {
      const path = `${dir}/bad.json`;
      await Deno.writeTextFile(path, JSON.stringify(config));
      await assert.rejects(loadStudyGrid(path), (e: unknown) => {
        assert.ok(e instanceof GridError);
        assert.equal(e.message, `${path}: ${message}`);
        assert.equal(e.source, path);
        return true;
      });
    });
  }
  await t.step("a cell expanded without the schema is checked before it runs, naming the cell", () => {
    const [cell] = expandGrid({ ...quick, data: { camSubjects: "2" } });
    assert.throws(() => studyCell(cell), {
      name: "GridError",
      message: `cell ${cell.id}: data.camSubjects: expected an integer ≥ 0, got "2"`,
    });
    const runner = studyRunner({ cohortDir: dir, progress: false });
    const ctx = { dir, checkpointDir: dir, attempt: 1, recordDuration() {} };
    assert.throws(() => runner(cell, ctx), { name: "GridError" });
  });
  await t.step("a volume cell refuses the 2-D-only seed-shift augmentation before it runs", async () => {
    const volume = await loadStudyGrid(`${CONFIGS}three-d-quick.json`);
    const [cell] = expandGrid({ ...volume.config, augmentations: ["seed-shift"] });
    assert.throws(() => studyCell(cell), {
      name: "GridError",
      message:
        `cell ${cell.id}: augmentations: "seed-shift" is not a volume cell's augmentation (use "seed" or "none")`,
    });
    const [seeded] = expandGrid({ ...volume.config, augmentations: ["seed"] });
    assert.equal(studyCell(seeded).id, seeded.id);
  });
  await t.step("a checked cell is typed by its kind", () => {
    const [cell] = expandStudyGrid({ ...quick, data: { camSubjects: 2, maxAcquisitions: 1 } });
    assert.equal(cell.dataset, "cohort");
    if (cell.dataset === "cohort") assert.deepEqual(cell.data, { camSubjects: 2, maxAcquisitions: 1 });
    assert.equal(studyCell(cell).id, cell.id);
  });
  await Deno.remove(dir, { recursive: true });
});

Deno.test("study grids: bound to their cohort source, each source in its own folder", async (t) => {
  const quick = (await loadStudyGrid(`${CONFIGS}quick.json`)).config;
  const digits = (await loadStudyGrid(`${CONFIGS}digits-quick.json`)).config;
  const transfer = (await loadStudyGrid(`${CONFIGS}transfer-quick.json`)).config;
  await t.step("which cells read the cohort", () => {
    assert.ok(expandStudyGrid(quick).every(needsCohort));
    assert.ok(!expandStudyGrid(digits).some(needsCohort));
    assert.ok(expandStudyGrid(transfer).every(needsCohort), "the age groups are a default target");
    const noBrains = { ...transfer, data: { ...transfer.data, targets: ["digits", "garments"] } };
    assert.ok(!expandStudyGrid(noBrains).some(needsCohort));
  });
  await t.step("the default simulated cohort, or a grid that never reads it: unchanged", () => {
    assert.equal(bindCohortSource(quick, { seed: 0 }), quick);
    assert.equal(bindCohortSource(digits, { data: "/data/hcp" }), digits);
    assert.equal(bindCohortSource(digits, { seed: 3 }), digits);
  });
  await t.step("--data: named after the folder and a hash of its path, tagged, new ids", () => {
    const a = bindCohortSource(quick, { data: "/data/hcp" });
    const b = bindCohortSource(quick, { data: "/other/hcp" });
    assert.match(a.name, /^quick\.data-hcp-[0-9a-f]{6}$/);
    assert.match(b.name, /^quick\.data-hcp-[0-9a-f]{6}$/);
    assert.notEqual(a.name, b.name, "two folders of one name stay apart");
    assert.equal(a.data?.cohort, "/data/hcp");
    const ids = expandStudyGrid(a).map((c) => c.id);
    assert.equal(new Set([...ids, ...IDS.quick]).size, ids.length + IDS.quick.length);
    assert.ok(expandStudyGrid(a).every((c) => c.grid === a.name));
    assert.match(bindCohortSource(quick, { data: "/data/my cohort!/" }).name, /^quick\.data-my_cohort_-/);
  });
  await t.step("another seed: <grid>.seed<N>, tagged with the grid's own scale", () => {
    const bound = bindCohortSource(transfer, { seed: 2 });
    assert.equal(bound.name, "transfer-quick.seed2");
    assert.equal(bound.data?.cohort, "synth-quick-s2");
    assert.match(bound.description ?? "", /^Grid transfer-quick on the cohort synth-quick-s2\. Transfer/);
  });
  await t.step(
    "the 'ageing' volume cells simulate their own cohort unless --data or --seed names one",
    async () => {
      const threeD = (await loadStudyGrid(`${CONFIGS}three-d-default.json`)).config;
      const cells = expandStudyGrid(threeD);
      assert.ok(cells.length > 0 && cells.every(needsCohort));
      assert.ok(cells.every(simulatesOwnCohort), "three-d-default: ageing layout, no cohort named");
      assert.ok(!expandStudyGrid(bindCohortSource(threeD, { data: "/data/hcp" })).some(simulatesOwnCohort));
      assert.ok(!expandStudyGrid(bindCohortSource(threeD, { seed: 2 })).some(simulatesOwnCohort));
      assert.ok(!expandStudyGrid(quick).some(simulatesOwnCohort));
    },
  );
});

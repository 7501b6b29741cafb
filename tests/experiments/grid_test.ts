import assert from "node:assert/strict";
import { CamDmriError } from "../../lib/errors.ts";
import {
  checkCell,
  expandGrid,
  type FieldCheck,
  FieldError,
  fields,
  type GridCell,
  type GridConfig,
  GridError,
  type GridSchema,
  loadGrid,
} from "../../lib/experiments/mod.ts";

Deno.test("expandGrid", async (t) => {
  await t.step("is the Cartesian product with seeds varying fastest", () => {
    const cells = expandGrid({
      name: "g",
      datasets: ["cohort"],
      models: ["alexnet", "googlenet"],
      pooling: ["gap", "gmp"],
      seeds: [0, 1, 2],
      splits: ["subject", "slice"],
    });
    assert.equal(cells.length, 2 * 2 * 3 * 2);
    assert.deepEqual(cells.slice(0, 3).map((c) => c.seed), [0, 1, 2]);
    assert.equal(new Set(cells.map((c) => c.id)).size, cells.length);
    assert.match(cells[0].id, /^cohort-alexnet-gap-subject-seed-quick-s0-[0-9a-f]{6}$/);
  });
  await t.step("ids are stable and change with the settings", () => {
    const a = expandGrid({ name: "g", datasets: ["d"], models: ["m"] });
    const b = expandGrid({ name: "g", datasets: ["d"], models: ["m"] });
    const c = expandGrid({ name: "g", datasets: ["d"], models: ["m"], training: { epochs: 3 } });
    assert.equal(a[0].id, b[0].id);
    assert.notEqual(a[0].id, c[0].id);
  });
  await t.step("folds: each cell becomes k fold cells; without folds the ids are as before", () => {
    const config: GridConfig = {
      name: "g",
      datasets: ["cohort"],
      models: ["small"],
      pooling: ["gap", "gmp"],
      seeds: [0, 1],
    };
    const plain = expandGrid(config);
    const folded = expandGrid({ ...config, folds: 3 });
    assert.equal(folded.length, plain.length * 3);
    assert.deepEqual(folded.slice(0, 4).map((c) => [c.seed, c.fold, c.folds]), [
      [0, 0, 3],
      [0, 1, 3],
      [0, 2, 3],
      [1, 0, 3],
    ]);
    assert.match(folded[1].id, /^cohort-small-gap-subject-seed-quick-s0-f1of3-[0-9a-f]{6}$/);
    assert.equal(new Set(folded.map((c) => c.id)).size, folded.length);
    // Fold cells never take a plain cell's id, and plain cells carry no fold.
    const plainIds = new Set(plain.map((c) => c.id));
    assert.ok(folded.every((c) => !plainIds.has(c.id)));
    assert.ok(plain.every((c) => !("fold" in c) && !("folds" in c)));
    // Another k, other cells.
    assert.notEqual(expandGrid({ ...config, folds: 4 })[0].id.slice(-6), folded[0].id.slice(-6));
  });
  await t.step("folds: k ≥ 2, subject splits only; with a schema only the datasets it lets fold", () => {
    const base: GridConfig = { name: "g", datasets: ["boxes"], models: ["m"], cam: { methods: ["cam"] } };
    assert.equal(
      gridError(() => expandGrid({ ...base, folds: 1 })),
      "grid g: folds: expected an integer ≥ 2 (k of k-fold), got 1",
    );
    assert.equal(
      gridError(() => expandGrid({ ...base, folds: 3, splits: ["subject", "slice"] })),
      'grid g: splits[1]: k-fold cross-validation splits subjects: "slice" cannot run as folds',
    );
    assert.equal(
      gridError(() => expandGrid({ ...base, datasets: ["balls"], folds: 3 }, { schema: FOLDING })),
      'grid g: datasets[0]: "balls" cells cannot run as folds (folds: k-fold over subjects is for "boxes" cells)',
    );
    assert.equal(expandGrid({ ...base, folds: 3 }, { schema: FOLDING }).length, 3);
    assert.match(
      gridError(() => expandGrid({ ...base, folds: 3 }, { schema: TOY })),
      /cannot run as folds \(folds: k-fold over subjects is for no dataset of this schema cells\)/,
    );
    // A fold cell made without the schema is refused when checked against it.
    const [cell] = expandGrid({ ...base, datasets: ["balls"], folds: 2 });
    assert.equal(
      gridError(() => checkCell(cell, FOLDING)),
      `cell ${cell.id}: dataset: "balls" cells cannot run as folds (folds: k-fold over subjects is for "boxes" cells)`,
    );
    // A fold cell whose fold is missing or out of range, or whose split is not by subject, is refused too.
    const [boxes] = expandGrid({ ...base, folds: 2 }, { schema: FOLDING });
    assert.equal(
      gridError(() => checkCell({ ...boxes, fold: 2 }, FOLDING)),
      `cell ${boxes.id}: fold: a fold cell's fold must be an integer in [0, 2), got 2`,
    );
    assert.match(gridError(() => checkCell({ ...boxes, fold: undefined }, FOLDING)), /got undefined/);
    assert.equal(
      gridError(() => checkCell({ ...boxes, split: "slice" }, FOLDING)),
      `cell ${boxes.id}: split: folds need the subject split, got "slice"`,
    );
  });
  await t.step("defaults are documented values", () => {
    const [cell] = expandGrid({ name: "g", datasets: ["d"], models: ["m"] });
    assert.equal(cell.cam.threshold, 0.2);
    assert.equal(cell.training.epochs, 10);
    assert.equal(cell.split, "subject");
  });
  await t.step("bad configs are typed errors naming the problem", async () => {
    assert.throws(() => expandGrid({ name: "g", datasets: [], models: ["m"] }), {
      name: "GridError",
      message: "grid g: datasets: expected a non-empty array, got []",
    });
    assert.throws(
      () => expandGrid({ name: "g", datasets: ["d"], models: ["m"], pooling: ["avg" as "gap"] }),
      GridError,
    );
    const e = new GridError("grid g", "bad");
    assert.ok(e instanceof CamDmriError);
    assert.deepEqual([e.source, e.reason], ["grid g", "bad"]);
    const dir = await Deno.makeTempDir();
    await Deno.writeTextFile(`${dir}/bad.json`, "{ nope");
    await assert.rejects(loadGrid(`${dir}/bad.json`), {
      name: "GridError",
      message: /bad\.json: not valid JSON/,
    });
    await Deno.remove(dir, { recursive: true });
  });
});

/** A toy schema: "boxes" cells take `size` and `colour`, "balls" cells `size` and `bounce`. */
interface BoxData {
  size?: number;
  colour?: "red" | "blue";
}
interface BallData {
  size?: number;
  bounce?: { height?: number };
}
type ToyCell = GridCell<"boxes", BoxData> | GridCell<"balls", BallData>;
const TOY: GridSchema<ToyCell> = {
  datasets: {
    boxes: { size: fields.positiveInteger, colour: fields.oneOf(["red", "blue"] as const) },
    balls: { size: fields.positiveInteger, bounce: fields.object({ height: fields.positiveNumber }) },
  },
  camMethods: ["cam", "saliency"],
  augmentations: ["none", "seed"],
};

/** TOY whose "boxes" cells may run as folds. */
const FOLDING: GridSchema<ToyCell> = { ...TOY, foldDatasets: ["boxes"] };

/** The message of what `run` throws (it must throw a GridError). */
function gridError(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    assert.ok(e instanceof GridError, String(e));
    return e.message;
  }
  assert.fail("no GridError");
}

Deno.test("grid configs are checked field by field", async (t) => {
  const base = { name: "g", datasets: ["d"], models: ["m"] };
  const cases: [string, Record<string, unknown>, string][] = [
    [
      "an unknown top-level field",
      { seed: [1] },
      'grid g: seed: unknown field (did you mean "seeds"?); known: ',
    ],
    ["a missing required field", { models: undefined }, "grid g: models: missing (required)"],
    ["a wrong type", { imageSize: "64" }, 'grid g: imageSize: expected a positive integer, got "64"'],
    [
      "a bad axis value",
      { pooling: ["gap", "avg"] },
      'grid g: pooling[1]: expected one of "gap", "gmp", got "avg"',
    ],
    ["a value listed twice", { models: ["m", "m"] }, 'grid g: models[1]: "m" is listed twice'],
    ["a non-integer seed", { seeds: [0, 1.5] }, "grid g: seeds[1]: expected an integer, got 1.5"],
    [
      "an unknown training field",
      { training: { epoch: 3 } },
      'grid g: training.epoch: unknown field (did you mean "epochs"?)',
    ],
    [
      "a bad training value",
      { training: { optimizer: "lbfgs" } },
      'grid g: training.optimizer: expected one of "adam", "sgd", got "lbfgs"',
    ],
    [
      "a threshold out of range",
      { cam: { threshold: 2 } },
      "grid g: cam.threshold: expected a number in [0, 1], got 2",
    ],
    ["data that is not an object", { data: [1] }, "grid g: data: expected an object, got [1]"],
    ["a bad name", { name: "a/b" }, `grid a/b: name: expected letters, digits, '.', '_' or '-', got "a/b"`],
  ];
  for (const [what, change, message] of cases) {
    await t.step(what, () => {
      const m = gridError(() => expandGrid({ ...base, ...change } as never));
      assert.ok(m.startsWith(message), `${m}\n  does not start with\n${message}`);
    });
  }
  await t.step("a GridError carries the field's path", () => {
    try {
      expandGrid({ ...base, imageSize: 0 });
    } catch (e) {
      assert.ok(e instanceof GridError);
      assert.deepEqual([e.source, e.field], ["grid g", "imageSize"]);
      assert.equal(e.reason, "imageSize: expected a positive integer, got 0");
    }
  });
  await t.step("a config that is not an object", () => {
    assert.equal(gridError(() => expandGrid(null as never)), "grid ?: expected an object, got null");
  });
});

Deno.test("a schema checks datasets and their data, and types the cells", async (t) => {
  const grid = (data: Record<string, unknown>, datasets = ["boxes"]): GridConfig => ({
    name: "toy",
    datasets,
    models: ["m"],
    cam: { methods: ["cam"] },
    data,
  });
  await t.step("cells of each kind get their own options, checked", () => {
    const cells = expandGrid(grid({ size: 3, colour: "red", bounce: { height: 2 } }, ["boxes", "balls"]), {
      schema: TOY,
    });
    assert.deepEqual(cells.map((c) => [c.dataset, c.data]), [
      ["boxes", { size: 3, colour: "red" }],
      ["balls", { size: 3, bounce: { height: 2 } }],
    ]);
    const box = cells.find((c) => c.dataset === "boxes");
    if (box?.dataset === "boxes") assert.equal(box.data.colour, "red"); // narrowed by the discriminant
  });
  await t.step("ids are those of the same config without a schema", () => {
    const config = grid({ size: 3, colour: "red", bounce: { height: 2 } }, ["boxes", "balls"]);
    assert.deepEqual(
      expandGrid(config, { schema: TOY }).map((c) => c.id),
      expandGrid(config).map((c) => c.id),
    );
  });
  const cases: [string, GridConfig, string][] = [
    [
      "an unknown dataset",
      grid({}, ["boxes", "cubes"]),
      'datasets[1]: unknown dataset "cubes" (known: boxes, balls)',
    ],
    [
      "a field no dataset of the grid takes",
      grid({ bounce: { height: 1 } }),
      'data.bounce: unknown field for "boxes" cells; known: colour, size',
    ],
    [
      "a likely typo",
      grid({ colur: "red" }),
      'data.colur: unknown field for "boxes" cells (did you mean "colour"?)',
    ],
    ["a wrong type", grid({ size: "16" }), 'data.size: expected a positive integer, got "16"'],
    [
      "a bad nested value",
      grid({ bounce: { height: -1 } }, ["balls"]),
      "data.bounce.height: expected a positive number, got -1",
    ],
    [
      "a nested unknown field",
      grid({ bounce: { width: 1 } }, ["balls"]),
      "data.bounce.width: unknown field; known: height",
    ],
    [
      "an unknown CAM method",
      { ...grid({}), cam: { methods: ["cam", "gradcam"] } },
      'cam.methods[1]: unknown CAM method "gradcam" (known: cam, saliency)',
    ],
    [
      "an unknown augmentation",
      { ...grid({}), augmentations: ["flip"] },
      'augmentations[0]: unknown augmentation "flip" (known: none, seed)',
    ],
  ];
  for (const [what, config, message] of cases) {
    await t.step(`${what} is a GridError naming the field`, () => {
      const m = gridError(() => expandGrid(config, { source: "toy.json", schema: TOY }));
      assert.ok(m.startsWith(`toy.json: ${message}`), `${m}\n  does not start with\ntoy.json: ${message}`);
    });
  }
  await t.step("loadGrid names the file", async () => {
    const dir = await Deno.makeTempDir();
    await Deno.writeTextFile(`${dir}/toy.json`, JSON.stringify(grid({ size: "16" })));
    await assert.rejects(loadGrid(`${dir}/toy.json`, { schema: TOY }), {
      name: "GridError",
      message: `${dir}/toy.json: data.size: expected a positive integer, got "16"`,
    });
    await Deno.remove(dir, { recursive: true });
  });
  await t.step("checkCell checks a cell expanded without the schema", () => {
    const [good] = expandGrid(grid({ size: 2, bounce: { height: 1 } }, ["balls", "boxes"]));
    assert.deepEqual(checkCell(good, TOY).data, { size: 2, bounce: { height: 1 } });
    const [bad] = expandGrid(grid({ size: 0 }));
    assert.equal(
      gridError(() => checkCell(bad, TOY)),
      `cell ${bad.id}: data.size: expected a positive integer, got 0`,
    );
    const [unknown] = expandGrid(grid({}, ["cubes"]));
    assert.match(gridError(() => checkCell(unknown, TOY)), /: dataset: unknown dataset "cubes"/);
  });
});

Deno.test("field checkers", async (t) => {
  await t.step("return the value typed or throw a FieldError naming the path", () => {
    const check: FieldCheck<{ n?: number }> = fields.object({ n: fields.positiveInteger });
    assert.deepEqual(check({ n: 2 }, "x"), { n: 2 });
    assert.throws(() => check({ n: 2.5 }, "x"), {
      name: "FieldError",
      message: "x.n: expected a positive integer, got 2.5",
    });
    const e = new FieldError("a.b", "bad");
    assert.deepEqual([e.path, e.source, e.reason], ["a.b", "a.b", "bad"]);
  });
  await t.step("long values are cut in messages", () => {
    assert.throws(() => fields.positiveInteger("y".repeat(100), "p"), {
      message: /^p: expected a positive integer, got "y{38}…$/,
    });
  });
  await t.step("inherited names are not fields", () => {
    assert.throws(() => fields.object({ a: fields.boolean })({ constructor: 1 }, ""), {
      message: /^constructor: unknown field/,
    });
  });
});

import assert from "node:assert/strict";
import { CamDmriError } from "../../lib/errors.ts";
import { expandGrid, GridError, loadGrid } from "../../lib/experiments/mod.ts";

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
  await t.step("defaults are documented values", () => {
    const [cell] = expandGrid({ name: "g", datasets: ["d"], models: ["m"] });
    assert.equal(cell.cam.threshold, 0.2);
    assert.equal(cell.training.epochs, 10);
    assert.equal(cell.split, "subject");
  });
  await t.step("bad configs are typed errors naming the problem", async () => {
    assert.throws(() => expandGrid({ name: "g", datasets: [], models: ["m"] }), {
      name: "GridError",
      message: /grid g: "datasets" must be a non-empty array/,
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

import assert from "node:assert/strict";
import {
  DmriError,
  gradientTable,
  loadGradients,
  parseBvals,
  parseBvecs,
  readBvals,
  readBvecs,
} from "../../lib/dmri/mod.ts";

import { DWI, hasData } from "./_helpers.ts";

Deno.test("parseBvals", async (t) => {
  await t.step("one row, scientific notation, no final newline", () => {
    assert.deepEqual(Array.from(parseBvals("0.0e+00 1.0e+03 9.9e2")), [0, 1000, 990]);
  });
  await t.step("one column, commas and tabs, nan as 0", () => {
    assert.deepEqual(Array.from(parseBvals("0\n1000\n\n2000\n")), [0, 1000, 2000]);
    assert.deepEqual(Array.from(parseBvals("0,1000\t nan")), [0, 1000, 0]);
  });
  await t.step("errors name the source", () => {
    assert.throws(() => parseBvals("0 1000 abc", "x.bval"), {
      name: "DmriError",
      message: "x.bval: line 1: 'abc' is not a number",
    });
    assert.throws(() => parseBvals("0 1\n2 3", "x.bval"), {
      name: "DmriError",
      message: "x.bval: expected one row or one column of b-values, found 2 rows",
    });
    assert.throws(() => parseBvals("\n \n", "x.bval"), { message: "x.bval: no b-values" });
    assert.throws(() => parseBvals("0 -5", "x.bval"), { message: "x.bval: b-value 1 is negative (-5)" });
  });
});

Deno.test("parseBvecs", async (t) => {
  await t.step("FSL rows (3 x N)", () => {
    const v = parseBvecs("0 1 0 0\n0 0 1 0\n0 0 0 1\n");
    assert.deepEqual(Array.from(v), [0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1]);
  });
  await t.step("columns (N x 3) with a nan row", () => {
    const v = parseBvecs("nan nan nan\n1 0 0\n0 1 0\n0 0 1");
    assert.deepEqual(Array.from(v), [0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1]);
  });
  await t.step("3 x 3 is read as FSL rows", () => {
    assert.deepEqual(Array.from(parseBvecs("1 2 3\n4 5 6\n7 8 9")), [1, 4, 7, 2, 5, 8, 3, 6, 9]);
  });
  await t.step("errors", () => {
    assert.throws(() => parseBvecs("1 0\n0 1", "x.bvec"), {
      name: "DmriError",
      message: "x.bvec: expected 3 rows (FSL) or 3 columns, found 2 x 2",
    });
    assert.throws(() => parseBvecs("1 0 0\n0 1", "x.bvec"), {
      message: "x.bvec: rows differ in length (3 and 2 numbers)",
    });
  });
});

Deno.test("gradientTable", async (t) => {
  const bvecs = [0, 0, 0, 1, 0, 0, 0, 1, 0, 0.6, 0.8, 0];
  await t.step("b ≤ threshold is a b0 (dipy: bvals <= b0_threshold)", () => {
    const g = gradientTable([0, 50, 51, 1000], bvecs);
    assert.deepEqual(Array.from(g.b0Mask), [1, 1, 0, 0]);
    assert.equal(g.b0Threshold, 50);
    assert.equal(g.count, 4);
  });
  await t.step("a b0 with a non-unit vector gets b = 0 and g = 0 (dipy)", () => {
    const g = gradientTable([15, 1000, 1000, 1000], [0.5, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1]);
    assert.deepEqual(Array.from(g.bvals), [0, 1000, 1000, 1000]);
    assert.deepEqual(Array.from(g.bvecs.slice(0, 3)), [0, 0, 0]);
  });
  await t.step("a unit b0 vector keeps its b-value", () => {
    const g = gradientTable([15, 1000], [1, 0, 0, 0, 1, 0]);
    assert.deepEqual(Array.from(g.bvals), [15, 1000]);
    assert.equal(g.b0Mask[0], 1);
  });
  await t.step("errors", () => {
    assert.throws(() => gradientTable([0, 1000], [0, 0, 0, 0.5, 0, 0], { source: "s" }), {
      name: "DmriError",
      message: "s: b-vector 1 has norm 0.5000, not 1 (b = 1000)",
    });
    assert.throws(() => gradientTable([0, 1000], [0, 0, 0]), {
      message: "gradient table: 2 b-values but 1 b-vectors",
    });
  });
});

Deno.test({
  name: "real bval/bvec files (../shared/data/dwi)",
  ignore: !hasData,
  fn: async (t) => {
    await t.step("small_25: FSL 3-row layout", async () => {
      const g = await loadGradients(`${DWI}small_25.bval`, `${DWI}small_25.bvec`);
      assert.equal(g.count, 26);
      assert.equal(g.bvals[1], 2000);
      assert.deepEqual(Array.from(g.bvecs.slice(3, 6)), [-0.3347, 0.933, 0.1322]);
      assert.equal(g.source, `${DWI}small_25.bval + ${DWI}small_25.bvec`);
    });
    await t.step("small_64D: transposed, nan first row, scientific notation, no final newline", async () => {
      const bvals = await readBvals(`${DWI}small_64D.bval`);
      const bvecs = await readBvecs(`${DWI}small_64D.bvec`);
      assert.equal(bvals.length, 65);
      assert.equal(bvecs.length, 65 * 3);
      assert.deepEqual(Array.from(bvecs.slice(0, 3)), [0, 0, 0]);
      assert.equal(bvals[1], 9.928797843126392308e+02);
      assert.equal(bvecs[3], 4.163478118279527636e-03);
      const g = gradientTable(bvals, bvecs);
      assert.equal(g.b0Mask.reduce((a, b) => a + b, 0), 1);
    });
    await t.step("small_101D: b = 15 counts as b0 at threshold 50", async () => {
      const g = await loadGradients(`${DWI}small_101D.bval`, `${DWI}small_101D.bvec`);
      assert.equal(g.count, 102);
      assert.equal(g.bvals[0], 15);
      assert.equal(g.b0Mask[0], 1);
      const g10 = await loadGradients(`${DWI}small_101D.bval`, `${DWI}small_101D.bvec`, { b0Threshold: 10 });
      assert.equal(g10.b0Mask[0], 0);
    });
    await t.step("a count that disagrees with the DWI is a DmriError naming the file", async () => {
      await assert.rejects(
        loadGradients(`${DWI}small_25.bval`, `${DWI}small_25.bvec`, { volumes: 25 }),
        { name: "DmriError", message: `${DWI}small_25.bval: has 26 b-values but the DWI has 25 volumes` },
      );
      await assert.rejects(loadGradients(`${DWI}small_25.bval`, `${DWI}small_64D.bvec`), {
        name: "DmriError",
        message: `${DWI}small_64D.bvec: has 65 b-vectors but ${DWI}small_25.bval has 26 b-values`,
      });
    });
    await t.step("missing file", async () => {
      await assert.rejects(readBvals(`${DWI}nope.bval`), (e: unknown) => {
        assert.ok(e instanceof DmriError);
        assert.equal(e.message, `${DWI}nope.bval: file not found`);
        return true;
      });
    });
  },
});

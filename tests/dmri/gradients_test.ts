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
  await t.step("one column, commas and tabs", () => {
    assert.deepEqual(Array.from(parseBvals("0\n1000\n\n2000\n")), [0, 1000, 2000]);
    assert.deepEqual(Array.from(parseBvals("0,1000\t 5")), [0, 1000, 5]);
  });
  await t.step("nan and infinite b-values are DmriErrors naming the file, line and entry (not 0)", () => {
    assert.throws(() => parseBvals("0,1000\t nan", "x.bval"), {
      name: "DmriError",
      message: "x.bval: line 1, entry 3: 'nan' is not a finite b-value",
    });
    assert.throws(() => parseBvals("# header\n0\n1000\n\nNaN\n", "x.bval"), {
      name: "DmriError",
      message: "x.bval: line 5, entry 1: 'NaN' is not a finite b-value",
    });
    assert.throws(() => parseBvals("0 inf 1000", "x.bval"), {
      message: "x.bval: line 1, entry 2: 'inf' is not a finite b-value",
    });
    assert.throws(() => parseBvals("0 1000 1e999", "x.bval"), {
      message: "x.bval: line 1, entry 3: '1e999' is not a finite b-value",
    });
  });
  await t.step("errors name the source", () => {
    assert.throws(() => parseBvals("0 1000 abc", "x.bval"), {
      name: "DmriError",
      message: "x.bval: line 1, entry 3: 'abc' is not a number",
    });
    assert.throws(() => parseBvals("0 1\n2 3", "x.bval"), {
      name: "DmriError",
      message: "x.bval: expected one row or one column of b-values, found 2 rows",
    });
    assert.throws(() => parseBvals("\n \n", "x.bval"), { message: "x.bval: no b-values" });
    assert.throws(() => parseBvals("0 -5", "x.bval"), {
      message: "x.bval: line 1, entry 2: '-5' is a negative b-value",
    });
  });
});

Deno.test("parseBvecs", async (t) => {
  await t.step("FSL rows (3 x N)", () => {
    const v = parseBvecs("0 1 0 0\n0 0 1 0\n0 0 0 1\n");
    assert.deepEqual(Array.from(v), [0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1]);
  });
  await t.step(
    "columns (N x 3) with a nan row: the NaNs stay (only the b-values can say if they are allowed)",
    () => {
      const v = parseBvecs("nan nan nan\n1 0 0\n0 1 0\n0 0 1");
      assert.deepEqual(Array.from(v), [NaN, NaN, NaN, 1, 0, 0, 0, 1, 0, 0, 0, 1]);
    },
  );
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
    assert.throws(() => parseBvecs("0 1 0\n0 0 -inf\n0 0 0", "x.bvec"), {
      name: "DmriError",
      message: "x.bvec: line 2, entry 3: '-inf' is infinite",
    });
    assert.throws(() => parseBvecs("0 0 0\n1 0 1e400\n", "x.bvec"), {
      message: "x.bvec: line 2, entry 3: '1e400' is infinite",
    });
    assert.throws(() => parseBvecs("0 1 0\n0 0 x1\n0 0 0", "x.bvec"), {
      message: "x.bvec: line 2, entry 3: 'x1' is not a number",
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
  await t.step("an all-NaN vector is a b0's zero vector (dipy's FSL convention); it records its atol", () => {
    const g = gradientTable([0, 1000], [NaN, NaN, NaN, 1, 0, 0], { atol: 0.02 });
    assert.deepEqual(Array.from(g.bvecs), [0, 0, 0, 1, 0, 0]);
    assert.deepEqual(Array.from(g.bvals), [0, 1000]);
    assert.equal(g.atol, 0.02);
  });
  await t.step("NaN and infinite values are errors, never 0 (a NaN b-value would make a b0)", () => {
    const vecs = [0, 0, 0, 1, 0, 0];
    assert.throws(() => gradientTable([0, NaN], vecs, { source: "s" }), {
      name: "DmriError",
      message: "s: b-value 1 is NaN",
    });
    assert.throws(() => gradientTable([0, Infinity], vecs, { source: "s" }), {
      message: "s: b-value 1 is Infinity",
    });
    assert.throws(() => gradientTable([0, -1], vecs, { source: "s" }), {
      message: "s: b-value 1 is negative (-1)",
    });
    assert.throws(() => gradientTable([0, 1000], [0, 0, 0, NaN, NaN, NaN], { source: "s" }), {
      message:
        "s: b-vector 1 (NaN, NaN, NaN) has NaN entries (only a b0 volume's vector may be all NaN; b = 1000)",
    });
    assert.throws(() => gradientTable([0, 1000], [NaN, 0, 0, 1, 0, 0], { source: "s" }), {
      message: "s: b-vector 0 (NaN, 0, 0) has NaN entries (only a b0 volume's vector may be all NaN; b = 0)",
    });
    assert.throws(() => gradientTable([0, 1000], [0, 0, 0, 1, 0, Infinity], { source: "s" }), {
      message: "s: b-vector 1 (1, 0, Infinity) is not finite",
    });
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
      assert.deepEqual(Array.from(bvecs.slice(0, 3)), [NaN, NaN, NaN]);
      assert.equal(bvals[1], 9.928797843126392308e+02);
      assert.equal(bvecs[3], 4.163478118279527636e-03);
      const g = gradientTable(bvals, bvecs);
      assert.equal(g.b0Mask.reduce((a, b) => a + b, 0), 1);
      assert.deepEqual(Array.from(g.bvecs.slice(0, 3)), [0, 0, 0]);
      const l = await loadGradients(`${DWI}small_64D.bval`, `${DWI}small_64D.bvec`);
      assert.deepEqual(l.bvecs, g.bvecs);
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

Deno.test("loadGradients: bad values are DmriErrors naming the file, the line and the entry", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "dmri_gradients_" });
  const write = async (name: string, text: string) => {
    await Deno.writeTextFile(`${dir}/${name}`, text);
    return `${dir}/${name}`;
  };
  const goodBvec = await write("good.bvec", "0 1 0 0\n0 0 1 0\n0 0 0 1\n");
  const goodBval = await write("good.bval", "0 1000 1000 1000\n");
  try {
    await t.step("a nan b-value (issue 12: it used to become a b0)", async () => {
      const bval = await write("nan.bval", "0 1000 nan 1000\n");
      await assert.rejects(loadGradients(bval, goodBvec), {
        name: "DmriError",
        message: `${bval}: line 1, entry 3: 'nan' is not a finite b-value`,
      });
    });
    await t.step("a b-value of inf, in a one-column file", async () => {
      const bval = await write("inf.bval", "0\n1000\n1000\n+Inf\n");
      await assert.rejects(loadGradients(bval, goodBvec), {
        message: `${bval}: line 4, entry 1: '+Inf' is not a finite b-value`,
      });
    });
    await t.step("a nan b-vector of a diffusion-weighted volume", async () => {
      const bvec = await write("nan_dw.bvec", "0 1 nan 0\n0 0 nan 0\n0 0 nan 1\n");
      await assert.rejects(loadGradients(goodBval, bvec), {
        name: "DmriError",
        message:
          `${bvec}: line 1, entry 3: 'nan' is the b-vector of a diffusion-weighted volume (volume 2, ` +
          `b = 1000 in ${goodBval}); only a b0 volume (b ≤ 50) may have a nan vector`,
      });
    });
    await t.step("a b-vector partly nan, even for a b0", async () => {
      const bvec = await write("partial.bvec", "nan 0 0\n1 0 0\n0 1 0\n0 0 1\n");
      await assert.rejects(loadGradients(goodBval, bvec), {
        message: `${bvec}: line 1, entry 1: 'nan' in a b-vector with numbers (volume 0)`,
      });
    });
    await t.step("an infinite b-vector entry", async () => {
      const bvec = await write("inf.bvec", "0 1 0 0\n0 0 1 0\n0 0 0 inf\n");
      await assert.rejects(loadGradients(goodBval, bvec), {
        message: `${bvec}: line 3, entry 4: 'inf' is infinite`,
      });
    });
    await t.step("a nan vector of a b0 volume is read as 0 (dipy)", async () => {
      const bvec = await write("nan_b0.bvec", "nan 1 0 0\nnan 0 1 0\nnan 0 0 1\n");
      const g = await loadGradients(goodBval, bvec);
      assert.deepEqual(Array.from(g.bvecs), [0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1]);
      const bval = await write("b20.bval", "20 1000 1000 1000\n");
      await assert.rejects(loadGradients(bval, bvec, { b0Threshold: 10 }), {
        message: new RegExp(
          `^${bvec}: line 1, entry 1: 'nan' is the b-vector of a diffusion-weighted volume`,
        ),
      });
    });
    await t.step("counts that disagree", async () => {
      const bval = await write("five.bval", "0 1000 1000 1000 1000\n");
      await assert.rejects(loadGradients(bval, goodBvec), {
        name: "DmriError",
        message: `${goodBvec}: has 4 b-vectors but ${bval} has 5 b-values`,
      });
      await assert.rejects(loadGradients(goodBval, goodBvec, { volumes: 5 }), {
        message: `${goodBval}: has 4 b-values but the DWI has 5 volumes`,
      });
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

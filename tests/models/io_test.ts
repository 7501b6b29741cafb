import assert from "node:assert/strict";
import * as tf from "../../lib/tf.ts";
import {
  createModel,
  getWeights,
  loadModel,
  MODEL_FORMAT,
  type ModelFile,
  saveModel,
  setWeights,
} from "../../lib/models/mod.ts";
import { seededImages, setupBackend } from "./_setup.ts";

await setupBackend();

/** Bitwise equality of float32 arrays (distinguishes −0 and +0, NaN payloads). */
function sameBits(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const [ua, ub] = [
    new Uint32Array(a.buffer, a.byteOffset, a.length),
    new Uint32Array(b.buffer, b.byteOffset, b.length),
  ];
  return ua.every((v, i) => v === ub[i]);
}

function trainedBnModel() {
  const model = createModel("inceptionv3-gmp", {
    inputShape: [43, 43, 1],
    widthMultiplier: 1 / 16,
    numClasses: 3,
    seed: 5,
    dropout: 0.3,
  });
  const x = seededImages([2, 43, 43, 1]);
  const opt = tf.train.adam(1e-2);
  opt.minimize(
    () => tf.mean(model.apply(x, { training: true }).logits) as tf.Scalar,
    false,
    Object.values(model.trainable),
  );
  opt.dispose();
  return { model, x };
}

Deno.test("saveModel / loadModel", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "cam_models_io_" });
  try {
    await t.step("round trip is bit-exact: weights, moving statistics, outputs", async () => {
      const { model, x } = trainedBnModel();
      await saveModel(model, `${dir}/ckpt`);
      const loaded = await loadModel(`${dir}/ckpt`);
      assert.deepEqual(loaded.config, model.config);
      const [a, b] = [await getWeights(model), await getWeights(loaded)];
      assert.deepEqual(Object.keys(b), Object.keys(a));
      for (const key of Object.keys(a)) assert.ok(sameBits(a[key], b[key]), key);
      assert.ok(a["mixed_6e/branch1x1/moving_mean"].some((v) => v !== 0), "the state was trained");
      const [oa, ob] = [
        model.apply(x, { capture: ["mixed_5b"] }),
        loaded.apply(x, { capture: ["mixed_5b"] }),
      ];
      assert.ok(sameBits(await oa.logits.data() as Float32Array, await ob.logits.data() as Float32Array));
      assert.ok(sameBits(await oa.features.data() as Float32Array, await ob.features.data() as Float32Array));
      assert.deepEqual(loaded.layerNames, model.layerNames);
      tf.dispose([x, oa.logits, oa.features, ob.logits, ob.features, ...Object.values(oa.activations)]);
      tf.dispose(Object.values(ob.activations));
      model.dispose();
      loaded.dispose();
    });
    await t.step(
      "files: model.json (config + tensor index) and weights.bin, no temp files left",
      async () => {
        const names = [];
        for await (const e of Deno.readDir(`${dir}/ckpt`)) names.push(e.name);
        assert.deepEqual(names.sort(), ["model.json", "weights.bin"]);
        const file: ModelFile = JSON.parse(await Deno.readTextFile(`${dir}/ckpt/model.json`));
        assert.equal(file.format, MODEL_FORMAT);
        assert.equal(file.version, 1);
        assert.equal(file.config.name, "inceptionv3-gmp");
        assert.equal(file.weights.dtype, "float32");
        const bytes = (await Deno.stat(`${dir}/ckpt/weights.bin`)).size;
        assert.equal(bytes, file.weights.length * 4);
        const first = file.weights.tensors[0];
        assert.deepEqual(first, {
          name: "conv2d_1a_3x3/kernel",
          group: "trainable",
          shape: [3, 3, 1, 2],
          offset: 0,
          length: 18,
        });
        assert.ok(file.weights.tensors.some((e) => e.group === "state"));
        // Saving again over the same folder replaces both files.
        const model = createModel("small-gap", { inputShape: [16, 16, 1], widthMultiplier: 1 / 8 });
        await saveModel(model, `${dir}/ckpt`);
        assert.equal(JSON.parse(await Deno.readTextFile(`${dir}/ckpt/model.json`)).config.name, "small-gap");
        model.dispose();
      },
    );
    await t.step("typed errors for missing, foreign and truncated files", async () => {
      await assert.rejects(loadModel(`${dir}/nowhere`), {
        name: "ModelError",
        message: `${dir}/nowhere/model.json: file not found`,
      });
      await Deno.mkdir(`${dir}/foreign`);
      await Deno.writeTextFile(`${dir}/foreign/model.json`, JSON.stringify({ format: "keras" }));
      await assert.rejects(loadModel(`${dir}/foreign`), {
        message: `${dir}/foreign/model.json: not a ${MODEL_FORMAT} file`,
      });
      await Deno.writeTextFile(`${dir}/foreign/model.json`, "{");
      await assert.rejects(loadModel(`${dir}/foreign`), {
        message: `${dir}/foreign/model.json: not valid JSON`,
      });
      const bin = await Deno.readFile(`${dir}/ckpt/weights.bin`);
      await Deno.writeFile(`${dir}/ckpt/weights.bin`, bin.subarray(0, bin.length - 4));
      await assert.rejects(loadModel(`${dir}/ckpt`), {
        message: `${dir}/ckpt/weights.bin: has ${bin.length - 4} bytes, model.json says ${bin.length}`,
      });
      await Deno.remove(`${dir}/ckpt/weights.bin`);
      await assert.rejects(loadModel(`${dir}/ckpt`), { message: `${dir}/ckpt/weights.bin: file not found` });
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("getWeights / setWeights", async (t) => {
  const opts = {
    inputShape: [32, 32, 1] as [number, number, number],
    widthMultiplier: 1 / 16,
    numClasses: 2,
  };
  await t.step("weights moved to a differently seeded model give identical outputs", async () => {
    const a = createModel("googlenet-gmp", opts);
    const b = createModel("googlenet-gmp", { ...opts, seed: 99 });
    const x = seededImages([2, 32, 32, 1]);
    const wa = await getWeights(a);
    setWeights(b, wa);
    wa["conv1/kernel"].fill(0); // setWeights copied the arrays
    const [oa, ob] = [a.apply(x), b.apply(x)];
    assert.ok(sameBits(await oa.logits.data() as Float32Array, await ob.logits.data() as Float32Array));
    tf.dispose([x, oa.logits, oa.features, ob.logits, ob.features]);
    a.dispose();
    b.dispose();
  });
  await t.step("typed errors; strict by default, partial updates on request", async () => {
    const m = createModel("small-gmp", opts);
    const w = await getWeights(m);
    assert.throws(() => setWeights(m, { ...w, "conv9/kernel": new Float32Array(1) }), {
      name: "ModelError",
      message: 'small-gmp: setWeights: no variable named "conv9/kernel"',
    });
    assert.throws(() => setWeights(m, { "conv1/bias": new Float32Array(3) }), {
      message: 'small-gmp: setWeights: "conv1/bias" needs 2 float32 values (shape [2]), got 3',
    });
    assert.throws(() => setWeights(m, { "conv1/bias": new Float32Array(2) }), {
      message: /^small-gmp: setWeights: missing conv1\/kernel, conv2\/kernel, /,
    });
    setWeights(m, { "conv1/bias": new Float32Array([1, 2]) }, { strict: false });
    assert.deepEqual([...(await getWeights(m))["conv1/bias"]], [1, 2]);
    m.dispose();
  });
});

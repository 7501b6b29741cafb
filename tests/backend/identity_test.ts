import assert from "node:assert/strict";
import * as tf from "../../lib/tf.ts";
import { initBackend, registerWasmTrainingKernels } from "../../lib/backend/mod.ts";
import { createModel } from "../../lib/models/mod.ts";
import { cam, gradCam } from "../../lib/cam/mod.ts";
import { seededImages } from "../models/_setup.ts";
import { relErr } from "./_grad_check.ts";

type Heap = { typedArrayFromHeap(t: tf.TensorInfo): Float32Array; numDataIds(): number };
type CopyArgs = {
  inputs: { x: tf.TensorInfo };
  backend: Heap & { makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo };
};

/** Stock tfjs-backend-wasm 4.22's Identity: a new buffer and a copy (the "before" of this change). */
function copyingIdentity({ inputs: { x }, backend }: CopyArgs): tf.TensorInfo {
  const out = backend.makeOutput([...x.shape], x.dtype);
  backend.typedArrayFromHeap(out).set(backend.typedArrayFromHeap(x));
  return out;
}

/** Puts `kernelFunc` in place as wasm's Identity. */
function useIdentity(kernelFunc: tf.KernelFunc): void {
  tf.unregisterKernel("Identity", "wasm");
  tf.registerKernel({ kernelName: "Identity", backendName: "wasm", kernelFunc });
}

/** Loss, every gradient of a training step, and CAM / Grad-CAM maps of a 2-D zoo net on the current backend. */
async function stepAndMaps(name: string, size: number) {
  const model = createModel(name, {
    inputShape: [size, size, 1],
    widthMultiplier: 1 / 8,
    numClasses: 2,
    seed: 3,
  });
  const x = seededImages([4, size, size, 1], 5);
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d([0, 1, 1, 0], "int32"), 2));
  const { value, grads } = tf.variableGrads(() =>
    tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }).logits) as tf.Scalar
  );
  const out = {
    loss: (await value.data())[0],
    grads: {} as Record<string, Float32Array>,
    cam: (await cam(model, x, { classIndex: 1, normalize: "none", upsample: false })).maps,
    gradCam: (await gradCam(model, x, { classIndex: 1, normalize: "none", upsample: false })).maps,
  };
  for (const [k, v] of Object.entries(model.trainable)) {
    out.grads[k] = await grads[v.name].data() as Float32Array;
  }
  tf.dispose([x, y, value, ...Object.values(grads)]);
  model.dispose();
  return out;
}

Deno.test("wasm's Identity shares the buffer: same gradients and maps, no copies, no leaks", async (t) => {
  await import("@tensorflow/tfjs-backend-cpu");
  await initBackend({ backend: "wasm" }).catch(() => undefined);
  await tf.setBackend("wasm");
  registerWasmTrainingKernels();
  const shared = tf.getKernel("Identity", "wasm")!.kernelFunc;
  const backend = tf.backend() as unknown as Heap;

  await t.step("a clone is the same data id and heap address, and outlives its source", async () => {
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    const ids = backend.numDataIds(), buffers = tf.memory().numDataBuffers;
    const y = tf.clone(x);
    assert.equal(y.dataId, x.dataId);
    assert.equal(backend.numDataIds(), ids, "a clone allocated a buffer");
    assert.equal(tf.memory().numDataBuffers, buffers);
    assert.equal(backend.typedArrayFromHeap(y).byteOffset, backend.typedArrayFromHeap(x).byteOffset);
    x.dispose();
    assert.deepEqual(Array.from(await y.data()), [1, 2, 3, 4, 5, 6]);
    y.dispose();
    assert.equal(backend.numDataIds(), ids - 1, "the shared buffer was not freed with its last tensor");
  });

  for (const [name, size] of [["small-gap", 32], ["googlenet-gap", 32]] as const) {
    await t.step(
      `${name}: a training step and CAM are bit-identical to the copying Identity, and cpu's`,
      async () => {
        const tensors = tf.memory().numTensors, ids = backend.numDataIds();
        const a = await stepAndMaps(name, size);
        assert.equal(tf.memory().numTensors, tensors, "leaked tensors (shared Identity)");
        assert.equal(backend.numDataIds(), ids, "leaked wasm buffers (shared Identity)");
        useIdentity(copyingIdentity as unknown as tf.KernelFunc);
        let b;
        try {
          b = await stepAndMaps(name, size);
        } finally {
          useIdentity(shared);
        }
        assert.equal(backend.numDataIds(), ids, "leaked wasm buffers (copying Identity)");
        assert.equal(a.loss, b.loss);
        assert.deepEqual(Object.keys(a.grads).sort(), Object.keys(b.grads).sort());
        for (const k of Object.keys(b.grads)) assert.deepEqual(a.grads[k], b.grads[k], `gradient of ${k}`);
        assert.deepEqual(a.cam, b.cam, "CAM");
        assert.deepEqual(a.gradCam, b.gradCam, "Grad-CAM");

        await tf.setBackend("cpu");
        const c = await stepAndMaps(name, size);
        await tf.setBackend("wasm");
        assert.ok(Math.abs(a.loss - c.loss) < 1e-5, `loss ${a.loss} vs cpu ${c.loss}`);
        for (const k of Object.keys(c.grads)) {
          const err = relErr(a.grads[k], c.grads[k]);
          assert.ok(err <= 1e-4, `gradient of ${k} differs from cpu by ${err}`);
        }
        assert.ok(relErr(a.cam, c.cam) <= 1e-4, `CAM vs cpu ${relErr(a.cam, c.cam)}`);
        assert.ok(relErr(a.gradCam, c.gradCam) <= 1e-4, `Grad-CAM vs cpu ${relErr(a.gradCam, c.gradCam)}`);
      },
    );
  }
});

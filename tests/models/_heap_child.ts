// A fresh process for tests/models/memory_test.ts: two Adam steps of a zoo model on the wasm backend, then
// the heap's high-water mark and the estimate, as one JSON line.
import * as tf from "../../lib/tf.ts";
import { activeNative, initBackend, wasmHeapBytes } from "../../lib/backend/mod.ts";
import { createModel, estimateStepMemory } from "../../lib/models/mod.ts";
import { createOptimizer, softmaxCrossEntropy } from "../../lib/train/mod.ts";

const [name, size, width, batch] = [Deno.args[0], +Deno.args[1], +Deno.args[2], +Deno.args[3]];
const info = await initBackend({ backend: "wasm" });
const heapBefore = wasmHeapBytes()!;
const model = createModel(name, { inputShape: [size, size, 3], numClasses: 2, widthMultiplier: width });
const x = tf.randomNormal([batch, size, size, 3], 0, 1, "float32", 1) as tf.Tensor4D;
const labels = Int32Array.from({ length: batch }, (_, i) => i % 2);
const optimizer = createOptimizer("adam");
const key = new Map(Object.entries(model.trainable).map(([k, v]) => [v.name, k]));
for (let i = 0; i < 2; i++) {
  tf.tidy(() => {
    const { grads } = tf.variableGrads(
      () => softmaxCrossEntropy(model.apply(x, { training: true }).logits, labels),
      Object.values(model.trainable),
    );
    const byKey = Object.fromEntries(Object.entries(grads).map(([n, g]) => [key.get(n)!, g]));
    optimizer.step(model.trainable, byKey, { learningRate: 1e-3 });
  });
}
const convGradients = activeNative().dnnl ? "native" : "composed";
const estimate = estimateStepMemory(model, { batchSize: batch, convGradients }).bytes + x.size * 4;
console.log(JSON.stringify({ backend: info.name, heapBefore, heapAfter: wasmHeapBytes(), estimate }));

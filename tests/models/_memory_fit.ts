// Refitting lib/models/memory.ts's MEMORY_COEFFICIENTS (2-D): the allocator's peak bytes over two Adam steps
// and one inference pass for a grid of zoo configurations, with each configuration's layer volumes, as JSON
// lines on stdout (fit them with a non-negative least squares on the relative error). One process, wasm:
//   nice -n 15 deno run -A tests/models/_memory_fit.ts > fit.jsonl
import * as tf from "../../lib/tf.ts";
import { activeNative, initBackend } from "../../lib/backend/mod.ts";
import { createModel, layerVolumes, minInputSize } from "../../lib/models/mod.ts";
import { createOptimizer, softmaxCrossEntropy } from "../../lib/train/mod.ts";
import { allocationPeak } from "./_heap.ts";

await initBackend({ backend: "wasm" });
const families = Deno.args.length ? Deno.args : [
  "small-gap",
  "alexnet-gap",
  "alexnet-star-gap",
  "alexnet-bn-gap",
  "vgg16-gap",
  "googlenet-gap",
  "inceptionv3-gap",
];
for (const name of families) {
  for (const width of [0.125, 0.25]) {
    const low = Math.max(64, minInputSize(name, { widthMultiplier: width }));
    for (const size of [...new Set([low, 96])]) {
      const channels = name.startsWith("small") ? 1 : 3;
      for (const n of [4, 12]) {
        for (const training of [true, false]) {
          const t0 = performance.now();
          let model: ReturnType<typeof createModel> | undefined;
          let x: tf.Tensor4D | undefined;
          const labels = Int32Array.from({ length: n }, (_, i) => i % 2);
          const optimizer = createOptimizer("adam");
          try {
            const peak = await allocationPeak(() => {
              model = createModel(name, {
                inputShape: [size, size, channels],
                numClasses: 2,
                widthMultiplier: width,
              });
              x = tf.randomNormal([n, size, size, channels], 0, 1, "float32", 7) as tf.Tensor4D;
              const [m, images] = [model, x];
              if (!training) return tf.tidy(() => void m.apply(images).logits.dataSync());
              const key = new Map(Object.entries(m.trainable).map(([k, v]) => [v.name, k]));
              for (let i = 0; i < 2; i++) {
                tf.tidy(() => {
                  const { grads } = tf.variableGrads(
                    () => softmaxCrossEntropy(m.apply(images, { training: true }).logits, labels),
                    Object.values(m.trainable),
                  );
                  const byKey = Object.fromEntries(Object.entries(grads).map(([k, g]) => [key.get(k)!, g]));
                  optimizer.step(m.trainable, byKey, { learningRate: 1e-3 });
                });
              }
            });
            const volumes = layerVolumes(model!);
            console.log(JSON.stringify({
              name,
              width,
              size,
              n,
              training,
              peak,
              volumes,
              dnnl: Boolean(activeNative().dnnl),
              ms: Math.round(performance.now() - t0),
            }));
          } finally {
            model?.dispose();
            optimizer.dispose();
            x?.dispose();
          }
        }
      }
    }
  }
}

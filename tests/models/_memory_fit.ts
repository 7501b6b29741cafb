// Refitting lib/models/memory.ts's MEMORY_COEFFICIENTS (2-D): the allocator's peak bytes over two Adam steps
// and one inference pass for a grid of zoo configurations, with each configuration's layer volumes, as JSON
// lines on stdout (fit them with a non-negative least squares on the relative error). One process, wasm:
//   nice -n 15 deno run -A tests/models/_memory_fit.ts > fit.jsonl
import { activeNative, initBackend } from "../../lib/backend/mod.ts";
import { layerVolumes, minInputSize } from "../../lib/models/mod.ts";
import { stepPeak } from "./_heap.ts";

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
          const { peak, value: volumes } = await stepPeak(
            name,
            { size, width, n, training, channels },
            (model) => layerVolumes(model),
          );
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
        }
      }
    }
  }
}

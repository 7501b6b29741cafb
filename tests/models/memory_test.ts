import assert from "node:assert/strict";
import * as tf from "../../lib/tf.ts";
import { activeNative, WASM_HEAP_LIMIT, wasmHeapBytes } from "../../lib/backend/mod.ts";
import {
  estimateStepMemory,
  fitBatchSize,
  HEAP_USABLE,
  layerVolumes,
  MEMORY_COEFFICIENTS,
  parameterCount,
} from "../../lib/models/mod.ts";
import { needs } from "../_skip.ts";
import { childHeap, stepPeak } from "./_heap.ts";
import { setupBackend } from "./_setup.ts";

const backend = await setupBackend();
const wasm = needs(backend === "wasm", "the wasm backend (CAM_BACKEND chose another)");
const GiB = 2 ** 30;

Deno.test("estimateStepMemory from the layer shapes", async (t) => {
  await t.step("small-gap's volumes counted by hand", () => {
    const v = layerVolumes("small-gap");
    // conv1 64x64x32 → pool 32x32 → conv2 32x32x64 → pool 16x16 → conv3 16x16x128 (the CAM layer)
    assert.equal(v.input, 64 * 64);
    assert.equal(v.conv, 64 * 64 * 32 + 32 * 32 * 64 + 16 * 16 * 128);
    assert.equal(v.maxPoolIn, 64 * 64 * 32 + 32 * 32 * 64);
    assert.equal(v.cam, 16 * 16 * 128);
    assert.equal(v.convBn + v.lrn + v.avgPoolIn + v.concat, 0);
    assert.equal(v.parameters, parameterCount("small-gap").trainable);
    assert.equal(v.largestVariable, 3 * 3 * 64 * 128);
    assert.equal(v.source, "2d");
  });

  await t.step("the formula: 4·[(1 + s)P + max(n·a + 2P, P + 12 P_max)]; inference 4·[P + n·a']", () => {
    const v = layerVolumes("small-gap");
    const a = 0.5 * v.input + 4.25 * v.conv + 3 * v.maxPoolIn + 0.25 * v.cam;
    const p = v.parameters;
    const e = estimateStepMemory("small-gap", { batchSize: 8 });
    assert.equal(e.bytes, 4 * (3 * p + Math.max(8 * a + 2 * p, p + 12 * v.largestVariable)));
    assert.equal(e.bytes, e.fixed + 8 * e.perSample);
    assert.equal(
      e.parts.activations + e.parts.weights + e.parts.gradients + e.parts.optimizer + e.parts.workspace,
      e.bytes,
    );
    const sgd = estimateStepMemory("small-gap", { batchSize: 8, optimizer: "sgd", accumulate: true });
    assert.equal(sgd.bytes, e.bytes); // one slot fewer, one accumulator more
    const inference = estimateStepMemory("small-gap", { batchSize: 8, training: false });
    assert.equal(inference.bytes, 4 * (p + 8 * (v.input + v.conv + 0.25 * v.maxPoolIn + v.cam)));
    // A pass through the composed ops (data-dependent init sees each conv before its ReLU): the unfused fit.
    const composed = estimateStepMemory("small-gap", { batchSize: 8, training: false, fused: false });
    const u = MEMORY_COEFFICIENTS.unfused.inference;
    assert.equal(
      composed.bytes,
      4 * (p + 8 * (u.input * v.input + u.conv * v.conv + u.maxPoolIn * v.maxPoolIn + u.cam * v.cam)),
    );
    assert.ok(composed.bytes > inference.bytes);
  });

  await t.step("agrees with what paper size did on wasm: GoogLeNet-GAP trains at 36 and dies at 40", () => {
    // bench/paper_batch.ts --no-limit, 224 px, one Adam step in a fresh process, after the shared Identity and
    // the fused 2-D convs: batch 16 and 32 train (heap 3.6 GiB at 32), 36 trains (heap 3.97 GiB), 40 runs out.
    // Before those savings batch 32 ran out.
    const googlenet = (n: number) => estimateStepMemory("googlenet-gap", { batchSize: n }).bytes;
    assert.ok(googlenet(16) < WASM_HEAP_LIMIT, `batch 16: ${googlenet(16) / GiB} GiB`);
    assert.ok(googlenet(36) < WASM_HEAP_LIMIT, `batch 36: ${googlenet(36) / GiB} GiB`);
    assert.ok(googlenet(40) > WASM_HEAP_LIMIT, `batch 40: ${googlenet(40) / GiB} GiB`);
    const vgg = estimateStepMemory("vgg16-gap", { batchSize: 32 }).bytes;
    assert.ok(vgg > WASM_HEAP_LIMIT, `VGG16-GAP batch 32: ${vgg / GiB} GiB`);
  });

  await t.step(
    "fitBatchSize: the largest batch under the usable share of the limit, 0 when none fits",
    () => {
      const limit = WASM_HEAP_LIMIT;
      const n = fitBatchSize("googlenet-gap", { limitBytes: limit, max: 64 });
      assert.ok(n >= 1 && n < 64);
      const fits = (b: number) =>
        estimateStepMemory("googlenet-gap", { batchSize: b }).bytes <= HEAP_USABLE * limit;
      assert.ok(fits(n) && !fits(n + 1), `${n}`);
      assert.equal(fitBatchSize("googlenet-gap", { limitBytes: limit, max: 4 }), 4);
      assert.equal(fitBatchSize("googlenet-gap", { limitBytes: 1e6, max: 4 }), 0);
    },
  );

  await t.step("errors name the model", () => {
    assert.throws(() => estimateStepMemory("small-gap", { batchSize: 0 }), {
      name: "ModelError",
      message: "small-gap: estimateStepMemory: batchSize must be a positive integer, got 0",
    });
  });
});

/** Peak allocator bytes of building `name` and two Adam steps (or one inference pass) at batch `n`. */
async function measured(name: string, size: number, width: number, n: number, training: boolean) {
  const convGradients = activeNative().dnnl ? "native" : "composed";
  const { peak, value: estimate } = await stepPeak(
    name,
    { size, width, n, training },
    (model) => estimateStepMemory(model, { batchSize: n, training, convGradients }).bytes,
  );
  return { peak, estimate, ratio: estimate / peak };
}

Deno.test({
  name: "estimateStepMemory against the wasm heap" + wasm.label,
  ignore: wasm.ignore,
  fn: async (t) => {
    // Three families at width 1/8 (plain convs and pools; LRN and inception blocks; batch norm), 64 px.
    const cases: [string, number][] = [
      ["vgg16-gap", 64],
      ["googlenet-gap", 64],
      ["alexnet-bn-gap", 67],
    ];
    const composed = !activeNative().dnnl;
    await t.step("training: the estimate is 0.9–1.25x the allocator's peak over two Adam steps", async () => {
      for (const [name, size] of cases) {
        const m = await measured(name, size, 0.125, 8, true);
        const [low, high] = composed ? [0.9, 1.6] : [0.9, 1.25];
        assert.ok(m.ratio >= low && m.ratio <= high, `${name}: estimate ${m.estimate}, peak ${m.peak}`);
      }
    });
    await t.step("inference: 0.95–1.3x the allocator's peak over one pass", async () => {
      for (const [name, size] of cases) {
        const m = await measured(name, size, 0.125, 8, false);
        assert.ok(m.ratio >= 0.95 && m.ratio <= 1.3, `${name}: estimate ${m.estimate}, peak ${m.peak}`);
      }
    });
    await t.step("wasmHeapBytes is the heap's size: it only grows", () => {
      const before = wasmHeapBytes()!;
      assert.ok(before >= 16 * 2 ** 20 && before <= WASM_HEAP_LIMIT, `${before}`);
      const big = tf.zeros([before / 4 + 1]); // more than the whole heap
      assert.ok(wasmHeapBytes()! > before);
      big.dispose();
      assert.ok(wasmHeapBytes()! > before);
    });
    await t.step(
      "a fresh process's heap after two steps: within the planners' margin of the estimate",
      async () => {
        // GoogLeNet-GAP at width 1/4, 96 px, batch 16: about 150 MB, well above the heap's first 16 MiB.
        const r = await childHeap("googlenet-gap", { size: 96, width: 0.25, batch: 16 });
        assert.equal(r.backend, "wasm");
        const ratio = r.heapAfter / r.estimate;
        // The heap holds the step plus fragmentation and a growth step of up to 20%; a plan fills at most
        // HEAP_USABLE of the limit, so a heap of up to 1/HEAP_USABLE the estimate still fits.
        assert.ok(ratio >= 1 && ratio <= 1 / HEAP_USABLE, `heap ${r.heapAfter}, estimate ${r.estimate}`);
      },
    );
  },
});

// The training loop with the model zoo's small network (lib/models): learning, and exact resume with batch
// norm (non-trainable state) and dropout (ApplyOptions.seed).
import assert from "node:assert/strict";
import { createModel } from "../../lib/models/mod.ts";
import type { CamModel } from "../../lib/models/model.ts";
import { train, type TrainOptions } from "../../lib/train/mod.ts";
import { blobDataset, testBackend } from "./_synthetic.ts";
import { straightAndResumed } from "./_resume.ts";

await testBackend();

async function variablesOf(model: CamModel): Promise<Record<string, Float32Array>> {
  const out: Record<string, Float32Array> = {};
  for (const [k, v] of [...Object.entries(model.trainable), ...Object.entries(model.state)]) {
    out[k] = (await v.data()) as Float32Array;
  }
  return out;
}

Deno.test("train with the zoo's small network", async (t) => {
  const trainSet = blobDataset(128, { seed: 21 });
  const valSet = blobDataset(64, { seed: 22 });
  const small = (pooling: "gap" | "gmp", seed = 1, extra = {}) =>
    createModel(`small-${pooling}`, { inputShape: [16, 16, 1], widthMultiplier: 0.25, seed, ...extra });

  for (const pooling of ["gap", "gmp"] as const) {
    await t.step(`small-${pooling} learns blob vs no blob`, async () => {
      const model = small(pooling);
      const result = await train(model, { train: trainSet, val: valSet }, {
        epochs: 4,
        batchSize: 16,
        learningRate: 0.005,
        seed: 2,
      });
      const last = result.history.at(-1)!;
      assert.ok(last.valAccuracy! >= 0.8, `val accuracy ${last.valAccuracy}`);
      model.dispose();
    });
  }

  await t.step("exact resume with batch norm and dropout", async () => {
    const options: TrainOptions = {
      epochs: 3,
      batchSize: 16,
      learningRate: 0.005,
      seed: 3,
      augment: { flip: true },
    };
    const extra = { batchNorm: true, dropout: 0.3 };
    // A resumed run rebuilds the model from its config (same seed).
    const { straight, resumed, result: r } = await straightAndResumed(
      () => small("gap", 1, extra),
      trainSet,
      options,
    );
    assert.equal(r.resumedFrom, 1);
    assert.deepEqual(await variablesOf(resumed), await variablesOf(straight));
    straight.dispose();
    resumed.dispose();
  });
});

// Done-when check: GAP and GMP models learn "blob vs no blob" well above chance within seconds on the CPU.
import assert from "node:assert/strict";
import { evaluate, train } from "../../lib/train/mod.ts";
import { blobDataset, testBackend } from "./_synthetic.ts";
import { tinyModel } from "./_tiny_model.ts";

await testBackend();

Deno.test("GAP and GMP models learn a synthetic blob task", async (t) => {
  const trainSet = blobDataset(256, { seed: 1 });
  const valSet = blobDataset(128, { seed: 2 });
  for (const pooling of ["gap", "gmp"] as const) {
    await t.step(`${pooling}: validation accuracy well above chance`, async () => {
      const model = tinyModel({ pooling, seed: 3 });
      const started = performance.now();
      const result = await train(model, { train: trainSet, val: valSet }, {
        epochs: 6,
        batchSize: 32,
        learningRate: 0.02,
        seed: 4,
        augment: { flip: true },
      });
      const seconds = (performance.now() - started) / 1000;
      const last = result.history.at(-1)!;
      const evaluation = await evaluate(model, valSet);
      console.log(
        `${pooling}: ${seconds.toFixed(1)} s, loss ${result.history[0].loss.toFixed(3)} → ${
          last.loss.toFixed(3)
        }, ` +
          `val acc ${last.valAccuracy!.toFixed(3)}, AUC ${evaluation.binary!.rocAuc!.toFixed(3)}`,
      );
      assert.equal(result.stopReason, "completed");
      assert.ok(last.loss < result.history[0].loss, "training loss falls");
      assert.ok(last.valAccuracy! >= 0.85, `val accuracy ${last.valAccuracy}`);
      assert.equal(evaluation.accuracy, last.valAccuracy);
      assert.ok(evaluation.binary!.rocAuc! > 0.9);
      model.dispose();
    });
  }
});

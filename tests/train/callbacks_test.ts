import assert from "node:assert/strict";
import { type EpochMetrics, stoppingState, train, type TrainCallback } from "../../lib/train/mod.ts";
import { blobDataset, testBackend } from "./_synthetic.ts";
import { tinyModel } from "./_tiny_model.ts";

await testBackend();

const trainSet = blobDataset(24, { seed: 21 });
const valSet = blobDataset(8, { seed: 22 });

Deno.test("train: callbacks run at the documented points, in order, and may stop the loop", async (t) => {
  await t.step(
    "a custom callback sees every hook (3 epochs x 3 batches, 1 validation batch each)",
    async () => {
      const events: string[] = [];
      const spy: TrainCallback = {
        onTrainBegin: (ctx) => void events.push(`begin ${ctx.epochs} ${ctx.stepsPerEpoch} ${ctx.valBatches}`),
        onEpochBegin: (e) => void events.push(`epoch ${e}`),
        onBatchBegin: () => void events.push("b"),
        onBatchEnd: (b) => void events.push(`B${b.index}`),
        onValidationBatchEnd: () => void events.push("v"),
        onEpochEnd: (m, ctx) => void events.push(`end ${m.epoch} ${ctx.history.length}`),
        onTrainEnd: (ctx) => void events.push(`done ${ctx.stopReason}`),
      };
      const model = tinyModel({ seed: 1 });
      const onEpoch: number[] = [];
      const result = await train(model, { train: trainSet, val: valSet }, {
        epochs: 3,
        batchSize: 8,
        evalBatchSize: 8,
        callbacks: [spy],
        onEpoch: (m) => void onEpoch.push(m.epoch),
      });
      model.dispose();
      const epoch = (e: number) => [`epoch ${e}`, "b", "B0", "b", "B1", "b", "B2", "v", `end ${e} ${e}`];
      assert.deepEqual(events, ["begin 3 3 1", ...epoch(1), ...epoch(2), ...epoch(3), "done completed"]);
      assert.deepEqual(onEpoch, [1, 2, 3], "onEpoch is a callback too, run before the caller's");
      assert.equal(result.stopReason, "completed");
    },
  );
  await t.step("a callback that stops after epoch 2 ends training there", async () => {
    const model = tinyModel({ seed: 2 });
    const result = await train(model, { train: trainSet }, {
      epochs: 5,
      batchSize: 8,
      callbacks: [{ onEpochEnd: (m, ctx) => m.epoch === 2 ? ctx.stop("early-stopping") : undefined }],
    });
    model.dispose();
    assert.equal(result.epochs, 2);
    assert.equal(result.stopReason, "early-stopping");
  });
  await t.step("an abort between batches discards the epoch in progress", async () => {
    const model = tinyModel({ seed: 3 });
    const controller = new AbortController();
    const result = await train(model, { train: trainSet }, {
      epochs: 5,
      batchSize: 8,
      signal: controller.signal,
      callbacks: [{ onBatchEnd: (b) => b.epoch === 2 && b.index === 1 ? controller.abort() : undefined }],
    });
    model.dispose();
    assert.equal(result.stopReason, "aborted");
    assert.equal(result.epochs, 1, "epoch 2 was in progress and is not in the history");
  });
});

Deno.test("stoppingState: best epoch and wait, in closed form", () => {
  const h = (vals: number[]): EpochMetrics[] =>
    vals.map((v, i) => ({ epoch: i + 1, loss: 0, accuracy: 0, learningRate: 0, seconds: 0, valLoss: v }));
  assert.deepEqual(stoppingState(h([1, 0.5, 0.6, 0.7]), {}), { best: 0.5, bestEpoch: 2, wait: 2 });
  assert.deepEqual(stoppingState(h([1, 0.95, 0.9]), { minDelta: 0.1 }), { best: 1, bestEpoch: 1, wait: 2 });
  assert.deepEqual(stoppingState([], {}), { best: Infinity, bestEpoch: null, wait: 0 });
});

import assert from "node:assert/strict";
import * as tf from "../../lib/tf.ts";
import { subset } from "../../lib/data/mod.ts";
import {
  type EpochMetrics,
  listCheckpoints,
  readCheckpoint,
  train,
  type TrainOptions,
} from "../../lib/train/mod.ts";
import { blobDataset, testBackend } from "./_synthetic.ts";
import { tinyModel } from "./_tiny_model.ts";

await testBackend();

const trainSet = blobDataset(48, { seed: 11 });
const valSet = blobDataset(16, { seed: 12 });

async function weightsOf(model: ReturnType<typeof tinyModel>): Promise<Record<string, Float32Array>> {
  const out: Record<string, Float32Array> = {};
  for (const [k, v] of Object.entries(model.trainable)) out[k] = (await v.data()) as Float32Array;
  return out;
}

async function tempDir(): Promise<string> {
  return await Deno.makeTempDir({ prefix: "cam-train-test-" });
}

Deno.test("train: exact resume", async (t) => {
  const cases: [string, TrainOptions][] = [
    ["adam + cosine with warm-up + dropout + augmentation + weight decay", {
      optimizer: "adam",
      learningRate: 0.01,
      schedule: { kind: "cosine", minLearningRate: 1e-4 },
      warmupEpochs: 0.5,
      weightDecay: 1e-3,
      augment: { flip: true, noise: true, crop: { padding: 1 }, erasing: true },
      classWeights: [1, 2],
    }],
    ["sgd + nesterov momentum + step schedule", {
      optimizer: { name: "sgd", momentum: 0.9, nesterov: true },
      learningRate: 0.05,
      schedule: { kind: "step", stepSize: 1, gamma: 0.5 },
    }],
  ];
  for (const [name, extra] of cases) {
    await t.step(
      `4 epochs straight = 2 epochs, stop, resume 2 (${name}): bit-identical weights`,
      async () => {
        const common: TrainOptions = { epochs: 4, batchSize: 16, seed: 5, ...extra };
        const straight = tinyModel({ dropout: 0.3, seed: 1 });
        const r1 = await train(straight, { train: trainSet, val: valSet }, common);
        assert.equal(r1.epochs, 4);

        const dir = await tempDir();
        const first = tinyModel({ dropout: 0.3, seed: 1 });
        const controller = new AbortController();
        const r2a = await train(first, { train: trainSet, val: valSet }, {
          ...common,
          checkpointDir: dir,
          signal: controller.signal,
          onEpoch: (m) => {
            if (m.epoch === 2) controller.abort();
          },
        });
        assert.equal(r2a.stopReason, "aborted");
        assert.equal(r2a.epochs, 2);
        first.dispose();

        // A fresh process would rebuild the model with other initial weights: resume must overwrite them all.
        const resumed = tinyModel({ dropout: 0.3, seed: 99 });
        const r2b = await train(resumed, { train: trainSet, val: valSet }, {
          ...common,
          checkpointDir: dir,
          resume: true,
        });
        assert.equal(r2b.resumedFrom, 2);
        assert.equal(r2b.epochs, 4);
        assert.deepEqual(await weightsOf(resumed), await weightsOf(straight));
        const strip = (h: EpochMetrics[]) => h.map(({ seconds: _, ...m }) => m);
        assert.deepEqual(strip(r2b.history), strip(r1.history));
        assert.deepEqual(await listCheckpoints(dir), [1, 2, 3, 4]);
        straight.dispose();
        resumed.dispose();
        await Deno.remove(dir, { recursive: true });
      },
    );
  }

  await t.step("resume with nothing left to do returns the saved history", async () => {
    const dir = await tempDir();
    const model = tinyModel();
    await train(model, { train: trainSet }, { epochs: 1, batchSize: 16, checkpointDir: dir });
    const before = await weightsOf(model);
    const again = await train(model, { train: trainSet }, {
      epochs: 1,
      batchSize: 16,
      checkpointDir: dir,
      resume: true,
    });
    assert.equal(again.resumedFrom, 1);
    assert.equal(again.history.length, 1);
    assert.deepEqual(await weightsOf(model), before);
    model.dispose();
    await Deno.remove(dir, { recursive: true });
  });
});

Deno.test("train: determinism, memory, metrics, checkpoints", async (t) => {
  await t.step("same seed → same weights; another seed → different weights", async () => {
    const run = async (seed: number) => {
      const m = tinyModel({ dropout: 0.5 });
      await train(m, { train: trainSet }, { epochs: 1, batchSize: 16, seed, augment: { noise: true } });
      const w = await weightsOf(m);
      m.dispose();
      return w;
    };
    const a = await run(1);
    assert.deepEqual(await run(1), a);
    assert.notDeepEqual(await run(2), a);
  });

  await t.step("tensor count is flat across epochs", async () => {
    const model = tinyModel({ dropout: 0.2 });
    const counts: number[] = [];
    await train(model, { train: trainSet, val: valSet }, {
      epochs: 3,
      batchSize: 16,
      augment: { flip: true },
      onEpoch: () => {
        counts.push(tf.memory().numTensors);
      },
    });
    assert.equal(counts[2], counts[0], `numTensors per epoch: ${counts}`);
    model.dispose();
  });

  await t.step("per-epoch metrics, learning rates and the onEpoch callback", async () => {
    const model = tinyModel();
    const seen: EpochMetrics[] = [];
    const result = await train(model, { train: trainSet, val: valSet }, {
      epochs: 3,
      batchSize: 16,
      learningRate: 0.1,
      optimizer: "sgd",
      schedule: { kind: "step", stepSize: 1, gamma: 0.1 },
      onEpoch: (m, info) => {
        seen.push(m);
        assert.equal(info.history.at(-1), m);
      },
    });
    assert.deepEqual(seen, result.history);
    assert.deepEqual(result.history.map((m) => m.epoch), [1, 2, 3]);
    const lrs = result.history.map((m) => m.learningRate);
    [0.1, 0.01, 0.001].forEach((lr, i) => assert.ok(Math.abs(lrs[i] - lr) < 1e-12, `${lrs}`));
    for (const m of result.history) {
      for (const key of ["loss", "accuracy", "valLoss", "valAccuracy", "seconds"] as const) {
        assert.ok(Number.isFinite(m[key]), `${key} = ${m[key]}`);
      }
      assert.ok(m.accuracy >= 0 && m.accuracy <= 1 && m.valAccuracy! >= 0 && m.valAccuracy! <= 1);
    }
    model.dispose();
  });

  await t.step("checkpoints: written atomically, readable, pruned", async () => {
    const dir = await tempDir();
    const model = tinyModel();
    await train(model, { train: trainSet }, {
      epochs: 3,
      batchSize: 16,
      checkpointDir: dir,
      keepCheckpoints: 2,
    });
    const names = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    assert.deepEqual(names, ["epoch-0002.ckpt", "epoch-0003.ckpt"]);
    const ckpt = await readCheckpoint(`${dir}/epoch-0003.ckpt`);
    assert.equal(ckpt.epoch, 3);
    assert.equal(ckpt.history.length, 3);
    assert.equal(ckpt.optimizer.name, "adam");
    assert.equal(ckpt.optimizer.iteration, 9);
    assert.deepEqual(Object.keys(ckpt.weights).sort(), Object.keys(model.trainable).sort());
    assert.deepEqual(ckpt.weights["conv1/kernel"].values, await model.trainable["conv1/kernel"].data());
    assert.equal(Object.keys(ckpt.optimizer.slots).length, 12);
    assert.equal((ckpt.info!.model as { name: string }).name, "tiny-gap");
    model.dispose();
    await Deno.remove(dir, { recursive: true });
  });
});

Deno.test("train: early stopping", async (t) => {
  await t.step(
    "stops after `patience` epochs without improvement and can restore the best weights",
    async () => {
      const model = tinyModel();
      let bestWeights: Record<string, Float32Array> | undefined;
      let lastWeights: Record<string, Float32Array> | undefined;
      // Training on inverted labels makes the validation loss worsen from the start.
      const inverted = {
        size: trainSet.size,
        get: (i: number) => ({ ...trainSet.get(i), label: 1 - trainSet.get(i).label }),
      };
      const result = await train(model, { train: inverted, val: valSet }, {
        epochs: 20,
        batchSize: 16,
        learningRate: 0.05,
        earlyStopping: { monitor: "valLoss", patience: 2, restoreBest: true },
        onEpoch: async (m, info) => {
          const best = Math.min(...info.history.map((h) => h.valLoss!));
          lastWeights = await weightsOf(model);
          if (m.valLoss === best) bestWeights = lastWeights;
        },
      });
      assert.equal(result.stopReason, "early-stopping");
      assert.notDeepEqual(lastWeights, bestWeights);
      const losses = result.history.map((m) => m.valLoss!);
      const bestEpoch = losses.indexOf(Math.min(...losses)) + 1;
      assert.equal(result.bestEpoch, bestEpoch);
      assert.equal(result.epochs, bestEpoch + 2);
      assert.deepEqual(await weightsOf(model), bestWeights);
      model.dispose();
    },
  );

  await t.step("with learning rate 0 the monitored accuracy never improves after epoch 1", async () => {
    const model = tinyModel();
    const result = await train(model, { train: trainSet, val: valSet }, {
      epochs: 10,
      batchSize: 16,
      learningRate: 0,
      earlyStopping: { monitor: "valAccuracy", patience: 3 },
    });
    assert.equal(result.epochs, 4);
    assert.equal(result.bestEpoch, 1);
    model.dispose();
  });
});

Deno.test("train: errors", async (t) => {
  const model = tinyModel();
  await t.step("early stopping without validation data", async () => {
    await assert.rejects(train(model, { train: trainSet }, { earlyStopping: {} }), {
      name: "TrainError",
      message: "train: earlyStopping needs validation data (data.val)",
    });
  });
  await t.step("images of the wrong size", async () => {
    await assert.rejects(train(model, { train: blobDataset(4, { size: 12 }) }, { epochs: 1 }), {
      name: "TrainError",
      message: "train: images are 12x12x1, model tiny-gap expects 16x16x1",
    });
  });
  await t.step("labels outside the model's classes", async () => {
    const three = tinyModel({ numClasses: 2 });
    const bad = subset(blobDataset(4), [0, 1]);
    const relabelled = { size: 2, get: (i: number) => ({ ...bad.get(i), label: 2 }) };
    await assert.rejects(train(three, { train: relabelled }, { epochs: 1 }), {
      name: "TrainError",
      message: "train: label 2 outside the model's 2 classes",
    });
    three.dispose();
  });
  await t.step("class weights of the wrong length", async () => {
    await assert.rejects(train(model, { train: trainSet }, { classWeights: [1, 2, 3] }), {
      name: "TrainError",
      message: "train: classWeights has 3 entries, model has 2 classes",
    });
  });
  await t.step("a checkpoint directory of another run without resume", async () => {
    const dir = await tempDir();
    await train(model, { train: trainSet }, { epochs: 1, batchSize: 16, checkpointDir: dir });
    await assert.rejects(train(model, { train: trainSet }, { epochs: 1, checkpointDir: dir }), {
      name: "TrainError",
      message: `train: ${dir} already holds checkpoints of another run; pass resume: true to continue it, ` +
        "or use an empty directory",
    });
    await Deno.remove(dir, { recursive: true });
  });
  await t.step("a checkpoint of another model", async () => {
    const dir = await tempDir();
    const other = tinyModel({ width: 4 });
    await train(other, { train: trainSet }, { epochs: 1, batchSize: 16, checkpointDir: dir });
    await assert.rejects(train(model, { train: trainSet }, { epochs: 2, checkpointDir: dir, resume: true }), {
      name: "TrainError",
      message: `${dir}/epoch-0001.ckpt: variable conv1/bias has shape 4, model has 8`,
    });
    other.dispose();
    await Deno.remove(dir, { recursive: true });
  });
  model.dispose();
});

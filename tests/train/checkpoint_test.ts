import assert from "node:assert/strict";
import { warnings } from "../_console.ts";
import { CamDmriError } from "../../lib/errors.ts";
import {
  type Checkpoint,
  decodeCheckpoint,
  encodeCheckpoint,
  latestCheckpoint,
  listCheckpoints,
  readCheckpoint,
  train,
  type TrainOptions,
  writeCheckpoint,
} from "../../lib/train/mod.ts";
import { verifyCheckpointBytes } from "../../lib/train/checkpoint.ts";
import { blobDataset, testBackend } from "./_synthetic.ts";
import { tinyModel } from "./_tiny_model.ts";

function flipBit(bytes: Uint8Array, at: number): Uint8Array {
  const out = bytes.slice();
  out[at] ^= 0x10;
  return out;
}

function example(epoch: number): Checkpoint {
  return {
    epoch,
    rngState: [1, 2, 3, 4294967295],
    history: [{
      epoch: 1,
      loss: 0.5,
      accuracy: 0.75,
      valLoss: 0.6,
      valAccuracy: 0.7,
      learningRate: 1e-3,
      seconds: 1.5,
    }],
    weights: { "conv/kernel": { shape: [1, 1, 1, 3], values: Float32Array.from([0.1, -2, 3e-8]) } },
    state: { "bn/mean": { shape: [1], values: Float32Array.from([NaN]) } },
    optimizer: {
      name: "adam",
      iteration: 7,
      slots: { "conv/kernel/m": { shape: [1, 1, 1, 3], values: Float32Array.from([1, 2, 3]) } },
    },
    info: { model: { name: "tiny" } },
  };
}

Deno.test("checkpoints", async (t) => {
  await t.step("encode/decode round-trips every field bit-exactly", () => {
    const ckpt = example(3);
    const back = decodeCheckpoint(encodeCheckpoint(ckpt));
    assert.deepEqual(back, ckpt);
  });

  await t.step("write is atomic and leaves no temporary files; latest is the highest epoch", async () => {
    const dir = await Deno.makeTempDir({ prefix: "cam-ckpt-test-" });
    assert.equal(await latestCheckpoint(dir), null);
    await writeCheckpoint(`${dir}/sub`, example(2));
    await writeCheckpoint(`${dir}/sub`, example(10));
    // a torn temporary file from a killed writer is ignored
    await Deno.writeTextFile(`${dir}/sub/epoch-0011.ckpt.tmp-1-2`, "partial");
    assert.deepEqual(await listCheckpoints(`${dir}/sub`), [2, 10]);
    assert.equal(await latestCheckpoint(`${dir}/sub`), `${dir}/sub/epoch-0010.ckpt`);
    assert.deepEqual(await readCheckpoint(`${dir}/sub/epoch-0010.ckpt`), example(10));
    assert.deepEqual(await listCheckpoints(`${dir}/missing`), []);
    await Deno.remove(dir, { recursive: true });
  });

  await t.step("bad files raise CheckpointError naming the file", async () => {
    const dir = await Deno.makeTempDir({ prefix: "cam-ckpt-test-" });
    await Deno.writeTextFile(`${dir}/epoch-0001.ckpt`, "not a checkpoint at all");
    await assert.rejects(readCheckpoint(`${dir}/epoch-0001.ckpt`), {
      name: "CheckpointError",
      message: `${dir}/epoch-0001.ckpt: not a cam-dmri checkpoint (bad magic)`,
    });
    const bytes = encodeCheckpoint(example(1));
    await Deno.writeFile(`${dir}/epoch-0002.ckpt`, bytes.subarray(0, bytes.length - 4));
    await assert.rejects(readCheckpoint(`${dir}/epoch-0002.ckpt`), {
      name: "CheckpointError",
      message: `${dir}/epoch-0002.ckpt: checksum mismatch: the file is truncated or damaged`,
    });
    await Deno.writeFile(`${dir}/epoch-0003.ckpt`, bytes.subarray(0, 10));
    await assert.rejects(readCheckpoint(`${dir}/epoch-0003.ckpt`), {
      name: "CheckpointError",
      message: `${dir}/epoch-0003.ckpt: not a cam-dmri checkpoint (10 bytes: truncated)`,
    });
    await assert.rejects(readCheckpoint(`${dir}/epoch-0001.ckpt`), (e: unknown) => {
      assert.ok(e instanceof CamDmriError);
      assert.deepEqual([e.source, e.reason], [
        `${dir}/epoch-0001.ckpt`,
        "not a cam-dmri checkpoint (bad magic)",
      ]);
      return true;
    });
    await assert.rejects(readCheckpoint(`${dir}/nope.ckpt`), {
      name: "CheckpointError",
      message: /nope.ckpt: cannot read/,
    });
    await Deno.remove(dir, { recursive: true });
  });
});

Deno.test("checkpoint integrity", async (t) => {
  await t.step(
    "one flipped bit anywhere (header, values, checksum) is a CheckpointError naming the file",
    () => {
      const bytes = encodeCheckpoint(example(4));
      const headerLength = new DataView(bytes.buffer).getUint32(12, true);
      for (const at of [20, 16 + headerLength + 4, bytes.length - 40, bytes.length - 1]) {
        assert.throws(() => decodeCheckpoint(flipBit(bytes, at), "x/epoch-0004.ckpt"), {
          name: "CheckpointError",
          message: "x/epoch-0004.ckpt: checksum mismatch: the file is truncated or damaged",
        });
      }
      assert.equal(verifyCheckpointBytes(bytes), bytes.length - 32);
    },
  );

  await t.step("a version-1 file (before checksums) is still read", () => {
    const v2 = encodeCheckpoint(example(2));
    const v1 = v2.slice(0, v2.length - 32);
    new DataView(v1.buffer).setUint32(8, 1, true);
    assert.deepEqual(decodeCheckpoint(v1), example(2));
  });

  await t.step("latestCheckpoint sets a damaged newest file aside by name and falls back", async () => {
    const dir = await Deno.makeTempDir({ prefix: "cam-ckpt-test-" });
    await writeCheckpoint(dir, example(1));
    await writeCheckpoint(dir, example(2));
    const path2 = `${dir}/epoch-0002.ckpt`;
    const good = await Deno.readFile(path2);
    await Deno.writeFile(path2, flipBit(good, good.length - 100));
    let latest: string | null = null;
    const lines = await warnings(async () => latest = await latestCheckpoint(dir));
    assert.equal(latest, `${dir}/epoch-0001.ckpt`);
    assert.equal(lines.length, 1);
    assert.match(
      lines[0],
      new RegExp(`^\\[integrity\\] ${path2}: checksum mismatch.*set aside as epoch-0002\\.ckpt\\.corrupt`),
    );
    assert.deepEqual(await listCheckpoints(dir), [1]);
    assert.ok((await Deno.stat(`${path2}.corrupt`)).isFile);
    // Unchecked, the newest by name.
    assert.equal(await latestCheckpoint(dir, { verify: false }), `${dir}/epoch-0001.ckpt`);
    // Every checkpoint damaged: none to resume from, nothing left in the way.
    await Deno.writeFile(
      `${dir}/epoch-0001.ckpt`,
      (await Deno.readFile(`${dir}/epoch-0001.ckpt`)).subarray(0, 50),
    );
    const more = await warnings(async () => latest = await latestCheckpoint(dir));
    assert.equal(latest, null);
    assert.match(more[0], /epoch-0001\.ckpt: checksum mismatch.*starting over/);
    assert.deepEqual(await listCheckpoints(dir), []);
    await Deno.remove(dir, { recursive: true });
  });

  await testBackend();
  const trainSet = blobDataset(32, { seed: 21 });
  const weightsOf = async (model: ReturnType<typeof tinyModel>) => {
    const out: Record<string, Float32Array> = {};
    for (const [k, v] of Object.entries(model.trainable)) out[k] = (await v.data()) as Float32Array;
    return out;
  };
  const common: TrainOptions = {
    epochs: 3,
    batchSize: 16,
    seed: 3,
    learningRate: 0.01,
    augment: { flip: true },
  };
  const straight = tinyModel({ dropout: 0.3, seed: 1 });
  await train(straight, { train: trainSet }, common);
  const expected = await weightsOf(straight);
  straight.dispose();

  for (
    const [name, keep, damage] of [
      ["a truncated last checkpoint: resume from the one before", undefined, "truncate"],
      ["a bit-flipped last checkpoint: resume from the one before", undefined, "flip"],
      ["the only checkpoint (keep 1) damaged: start over", 1, "flip"],
    ] as const
  ) {
    await t.step(`${name}, bit-identical to training straight through`, async () => {
      const dir = await Deno.makeTempDir({ prefix: "cam-ckpt-test-" });
      const first = tinyModel({ dropout: 0.3, seed: 1 });
      await train(first, { train: trainSet }, { ...common, checkpointDir: dir, keepCheckpoints: keep });
      first.dispose();
      const last = `${dir}/epoch-0003.ckpt`;
      const bytes = await Deno.readFile(last);
      await Deno.writeFile(
        last,
        damage === "truncate" ? bytes.subarray(0, bytes.length >> 1) : flipBit(bytes, 200),
      );
      // A rerun builds its model from the cell's seed: starting over gives the same initial weights; a resume
      // overwrites them all (seed 42 shows it).
      const resumed = tinyModel({ dropout: 0.3, seed: keep === 1 ? 1 : 42 });
      let result: Awaited<ReturnType<typeof train>> | undefined;
      const lines = await warnings(async () =>
        result = await train(resumed, { train: trainSet }, {
          ...common,
          checkpointDir: dir,
          resume: true,
          keepCheckpoints: keep,
        })
      );
      assert.equal(lines.length, 1);
      assert.match(lines[0], new RegExp(`${last}: checksum mismatch`));
      assert.equal(result!.resumedFrom, keep === 1 ? null : 2);
      assert.deepEqual(await weightsOf(resumed), expected);
      resumed.dispose();
      assert.deepEqual(await listCheckpoints(dir), keep === 1 ? [3] : [1, 2, 3]);
      await Deno.remove(dir, { recursive: true });
    });
  }
});

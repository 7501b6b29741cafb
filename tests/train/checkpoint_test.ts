import assert from "node:assert/strict";
import {
  type Checkpoint,
  decodeCheckpoint,
  encodeCheckpoint,
  latestCheckpoint,
  listCheckpoints,
  readCheckpoint,
  writeCheckpoint,
} from "../../lib/train/mod.ts";

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
      message: `${dir}/epoch-0002.ckpt: truncated data (tensor conv/kernel/m)`,
    });
    await assert.rejects(readCheckpoint(`${dir}/nope.ckpt`), {
      name: "CheckpointError",
      message: /nope.ckpt: cannot read/,
    });
    await Deno.remove(dir, { recursive: true });
  });
});

import assert from "node:assert/strict";
import { CamDmriError } from "../lib/errors.ts";
import { BackendError } from "../lib/backend/mod.ts";
import { CamError } from "../lib/cam/mod.ts";
import { AugmentError, DatasetError, SplitError } from "../lib/data/mod.ts";
import { DmriError } from "../lib/dmri/mod.ts";
import { ForeignModelError } from "../lib/foreign/mod.ts";
import { LocalizeError } from "../lib/localize/mod.ts";
import { ModelError } from "../lib/models/mod.ts";
import { NiftiError } from "../lib/nifti/mod.ts";
import { ProbeError } from "../lib/probes/mod.ts";
import { SliceError } from "../lib/slices/mod.ts";
import { TransferError } from "../lib/study/transfer/mod.ts";
import { SynthError } from "../lib/synth/mod.ts";
import { MetricError, OptimizerError, ScheduleError, TrainError } from "../lib/train/mod.ts";
import { VizError } from "../lib/viz/mod.ts";

Deno.test("every folder's error is a CamDmriError with source and reason", async (t) => {
  const twoPart = {
    CamError,
    DmriError,
    NiftiError,
    ForeignModelError,
    LocalizeError,
    ModelError,
    ProbeError,
    SliceError,
    SynthError,
    TransferError,
    VizError,
  };
  for (const [name, Ctor] of Object.entries(twoPart)) {
    await t.step(name, () => {
      const e = new Ctor("x.nii", "is broken");
      assert.ok(e instanceof CamDmriError && e instanceof Error);
      assert.equal(e.name, name);
      assert.equal(e.message, "x.nii: is broken");
      assert.equal(e.source, "x.nii");
      assert.equal(e.reason, "is broken");
    });
  }
  const oneMessage = {
    AugmentError,
    BackendError,
    DatasetError,
    MetricError,
    OptimizerError,
    ScheduleError,
    SplitError,
    TrainError,
  };
  for (const [name, Ctor] of Object.entries(oneMessage)) {
    await t.step(`${name} (built from one message)`, () => {
      const e = new Ctor("train: epochs must be ≥ 0");
      assert.ok(e instanceof CamDmriError);
      assert.equal(e.name, name);
      assert.equal(e.message, "train: epochs must be ≥ 0");
      assert.deepEqual([e.source, e.reason], ["train", "epochs must be ≥ 0"]);
      const bare = new Ctor("no prefix here");
      assert.equal(bare.message, "no prefix here", "a message without a source stays as it was");
      assert.equal(bare.reason, "no prefix here");
    });
  }
});

Deno.test("every error class lib/ defines extends CamDmriError (source scan)", async () => {
  const offenders: string[] = [];
  const walk = async (dir: URL) => {
    for await (const e of Deno.readDir(dir)) {
      if (e.isDirectory) await walk(new URL(`${e.name}/`, dir));
      else if (e.name.endsWith(".ts")) {
        const text = await Deno.readTextFile(new URL(e.name, dir));
        for (const m of text.matchAll(/class (\w+Error) extends (\w+)/g)) {
          if (m[2] === "Error" && m[1] !== "CamDmriError") offenders.push(`${e.name}: ${m[1]}`);
        }
      }
    }
  };
  await walk(new URL("../lib/", import.meta.url));
  assert.deepEqual(offenders, []);
});

/**
 * The exact-resume check the training tests share: one model trained straight through, and one stopped after
 * its first epoch (an abort in `onEpoch`) and resumed from its checkpoint by a freshly built model.
 */
import type { Dataset } from "../../lib/data/mod.ts";
import type { CamModel } from "../../lib/models/model.ts";
import { train, type TrainOptions, type TrainResult } from "../../lib/train/mod.ts";

/**
 * Trains `make()` on `trainSet` straight through, then trains another `make()` with a checkpoint folder until
 * epoch 1 ends (aborted), disposes it, and resumes a third `make()` from that checkpoint. Returns the straight
 * and the resumed models (the caller compares and disposes them) and the resumed run's result; the checkpoint
 * folder is removed.
 */
export async function straightAndResumed<M extends CamModel>(
  make: () => M,
  trainSet: Dataset,
  options: TrainOptions,
): Promise<{ straight: M; resumed: M; result: TrainResult }> {
  const straight = make();
  await train(straight, { train: trainSet }, options);
  const dir = await Deno.makeTempDir({ prefix: "cam-resume-" });
  const first = make();
  const controller = new AbortController();
  await train(first, { train: trainSet }, {
    ...options,
    checkpointDir: dir,
    signal: controller.signal,
    onEpoch: (m) => {
      if (m.epoch === 1) controller.abort();
    },
  });
  first.dispose();
  const resumed = make();
  const result = await train(resumed, { train: trainSet }, { ...options, checkpointDir: dir, resume: true });
  await Deno.remove(dir, { recursive: true });
  return { straight, resumed, result };
}

// A grid run whose cells "train" for 5 epochs with a checkpoint after each; used by runner_test.ts, which kills
// this process at a random moment and runs it again.
import { atomicWriteJson, expandGrid, readJsonIfExists, runGrid } from "../../lib/experiments/mod.ts";

const [root, delayMs] = [Deno.args[0], Number(Deno.args[1] ?? 30)];
const cells = expandGrid({ name: "killtest", datasets: ["toy"], models: ["a", "b"], seeds: [0, 1, 2] });
await runGrid(cells, async (cell, ctx) => {
  const state =
    await readJsonIfExists<{ epoch: number; losses: number[] }>(`${ctx.checkpointDir}/state.json`) ??
      { epoch: 0, losses: [] };
  const resumedFrom = state.epoch;
  while (state.epoch < 5) {
    await new Promise((r) => setTimeout(r, delayMs));
    state.losses.push(1 / (state.epoch + 1 + cell.seed));
    state.epoch++;
    await atomicWriteJson(`${ctx.checkpointDir}/state.json`, state);
  }
  return {
    metrics: state.losses.map((loss, epoch) => ({ epoch, loss })),
    results: [{ epochs: state.epoch, resumed_from: resumedFrom, attempt: ctx.attempt }],
  };
}, { root });
console.log("finished");

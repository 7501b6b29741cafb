// A grid run whose cells "train" for 5 epochs with a checkpoint after each; used by runner_test.ts, which kills
// this process at a random moment and runs it again, and runs two of it at once on one folder.
// Arguments: root, delay per epoch in ms, and optionally a log file that gets one line "<cell id> <pid>" per
// cell started.
import { expandGrid, runGrid } from "../../lib/experiments/mod.ts";
import { atomicWriteJson, readJsonIfExists } from "../../lib/fs.ts";

const [root, delayMs, log] = [Deno.args[0], Number(Deno.args[1] ?? 30), Deno.args[2]];
const cells = expandGrid({ name: "killtest", datasets: ["toy"], models: ["a", "b"], seeds: [0, 1, 2] });
const { ran, skipped } = await runGrid(cells, async (cell, ctx) => {
  if (log) await Deno.writeTextFile(log, `${cell.id} ${Deno.pid}\n`, { append: true });
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
}, { root, pollSeconds: 0.05 });
console.log(JSON.stringify({ ran: ran.length, skipped: skipped.length }));
console.log("finished");

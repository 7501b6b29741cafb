import assert from "node:assert/strict";
import { collectGrid, expandGrid, isDone, loadTable, runGrid } from "../../lib/experiments/mod.ts";

const WORKER = new URL("./_grid_worker.ts", import.meta.url).pathname;

function spawnWorker(root: string, delayMs: number) {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-write", "--allow-env", WORKER, root, String(delayMs)],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
}

Deno.test("runGrid", async (t) => {
  await t.step("runs every cell once, then skips them all on a rerun", async () => {
    const root = await Deno.makeTempDir();
    const cells = expandGrid({ name: "g", datasets: ["d"], models: ["m1", "m2"], seeds: [0, 1] });
    let calls = 0;
    const runner = () => {
      calls++;
      return Promise.resolve({ results: [{ accuracy: 0.5 }], metrics: [{ epoch: 0 }, { epoch: 1 }] });
    };
    const first = await runGrid(cells, runner, { root });
    assert.equal(first.ran.length, 4);
    assert.equal(first.tables.results.numRows(), 4);
    assert.equal(first.tables.metrics.numRows(), 8);
    const second = await runGrid(cells, runner, { root });
    assert.deepEqual(second.ran, []);
    assert.equal(second.skipped.length, 4);
    assert.equal(calls, 4);
    const saved = await loadTable(`${root}/g/results`);
    assert.equal(saved?.numRows(), 4);
    assert.deepEqual(saved?.columnNames().slice(0, 3), ["run_id", "dataset", "model"]);
    const manifest = JSON.parse(await Deno.readTextFile(`${root}/g/${cells[0].id}/manifest.json`));
    assert.equal(manifest.status, "done");
    assert.equal(manifest.attempts, 1);
    assert.ok(manifest.versions["@tensorflow/tfjs-core"]);
    assert.match(manifest.gitCommit, /^([0-9a-f]{40}|unknown)$/);
    await Deno.remove(root, { recursive: true });
  });

  await t.step("a cell that throws leaves no result and runs again next time", async () => {
    const root = await Deno.makeTempDir();
    const cells = expandGrid({ name: "g", datasets: ["d"], models: ["m1"] });
    await assert.rejects(runGrid(cells, () => Promise.reject(new Error("boom")), { root }), /boom/);
    assert.equal(await isDone(root, cells[0]), false);
    const tables = await collectGrid(cells, { root });
    assert.equal(tables.results.numRows(), 0);
    const again = await runGrid(cells, () => Promise.resolve({ results: [{ ok: 1 }] }), { root });
    assert.equal(again.ran.length, 1);
    const manifest = JSON.parse(await Deno.readTextFile(`${root}/g/${cells[0].id}/manifest.json`));
    assert.equal(manifest.attempts, 2);
    await Deno.remove(root, { recursive: true });
  });

  await t.step("a real kill mid-run loses nothing and duplicates nothing", async () => {
    const root = await Deno.makeTempDir();
    const cells = expandGrid({ name: "killtest", datasets: ["toy"], models: ["a", "b"], seeds: [0, 1, 2] });
    // Kill while the third cell is between checkpoints.
    const child = spawnWorker(root, 40);
    const deadline = Date.now() + 60_000;
    for (;;) {
      let done = 0;
      for (const c of cells) if (await isDone(root, c)) done++;
      let epoch = 0;
      try {
        epoch =
          JSON.parse(await Deno.readTextFile(`${root}/killtest/${cells[done]?.id}/checkpoints/state.json`))
            .epoch;
      } catch { /* not started */ }
      if (done >= 2 && epoch >= 2) break;
      assert.ok(Date.now() < deadline, "worker made no progress");
      await new Promise((r) => setTimeout(r, 10));
    }
    child.kill("SIGKILL");
    const killed = await child.status;
    assert.equal(killed.success, false);
    let doneAfterKill = 0;
    for (const c of cells) if (await isDone(root, c)) doneAfterKill++;
    assert.ok(doneAfterKill >= 2 && doneAfterKill < cells.length);

    const rerun = await spawnWorker(root, 5).output();
    assert.ok(rerun.success);
    const results = await loadTable(`${root}/killtest/results`);
    assert.ok(results);
    const ids = results.array("run_id") as string[];
    assert.equal(ids.length, cells.length);
    assert.equal(new Set(ids).size, cells.length);
    const rows = results.objects() as {
      run_id: string;
      epochs: number;
      resumed_from: number;
      attempt: number;
    }[];
    for (const r of rows) assert.equal(r.epochs, 5);
    // The interrupted cell resumed from its checkpoint instead of starting over.
    const interrupted = rows.find((r) => r.attempt === 2);
    assert.ok(interrupted, "one cell was started twice");
    assert.ok(interrupted.resumed_from >= 2);
    const metrics = await loadTable(`${root}/killtest/metrics`);
    assert.equal(metrics?.numRows(), cells.length * 5);
    await Deno.remove(root, { recursive: true });
  });
});

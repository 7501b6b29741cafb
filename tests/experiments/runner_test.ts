import assert from "node:assert/strict";
import { warnings } from "../_console.ts";
import {
  type CellRunner,
  claimCell,
  collectGrid,
  expandGrid,
  type GridCell,
  hostName,
  inspectCell,
  isDone,
  loadTable,
  rowsOf,
  runGrid,
} from "../../lib/experiments/mod.ts";

const WORKER = new URL("./_grid_worker.ts", import.meta.url).pathname;

function spawnWorker(root: string, delayMs: number, log?: string) {
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      "--allow-sys",
      WORKER,
      root,
      String(delayMs),
      ...(log ? [log] : []),
    ],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

async function readManifestJson(root: string, cell: GridCell) {
  return JSON.parse(await Deno.readTextFile(`${root}/${cell.grid}/${cell.id}/manifest.json`));
}

/** A cell runner whose results depend only on the cell; counts its calls per cell. */
function countingRunner(): { runner: CellRunner; calls: Map<string, number> } {
  const calls = new Map<string, number>();
  const runner: CellRunner = (cell) => {
    calls.set(cell.id, (calls.get(cell.id) ?? 0) + 1);
    return Promise.resolve({
      results: [{ accuracy: 0.5 + cell.seed / 10, model_name: cell.model }],
      metrics: [{ epoch: 1, loss: 1 / (1 + cell.seed) }, { epoch: 2, loss: 0.5 / (1 + cell.seed) }],
    });
  };
  return { runner, calls };
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

  await t.step("manifests record the commit the caller read at process start", async () => {
    const root = await Deno.makeTempDir();
    const cells = expandGrid({ name: "g", datasets: ["d"], models: ["m1"] });
    const commit = "0123456789abcdef0123456789abcdef01234567";
    await runGrid(cells, () => Promise.resolve({ results: [{ ok: 1 }] }), { root, commit });
    const manifest = JSON.parse(await Deno.readTextFile(`${root}/g/${cells[0].id}/manifest.json`));
    assert.equal(manifest.gitCommit, commit);
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

  await t.step("a cell that throws is marked failed with its error, not left running", async () => {
    const root = await Deno.makeTempDir();
    const cells = expandGrid({ name: "g", datasets: ["d"], models: ["m1"] });
    class CohortError extends Error {
      override name = "CohortError";
    }
    await assert.rejects(
      runGrid(cells, () => Promise.reject(new CohortError("data/x: no usable subjects")), { root }),
      { name: "CohortError" },
    );
    const manifest = await readManifestJson(root, cells[0]);
    assert.equal(manifest.status, "failed");
    assert.deepEqual(manifest.error, { name: "CohortError", message: "data/x: no usable subjects" });
    assert.ok(manifest.finishedAt);
    assert.equal((await inspectCell(root, cells[0])).status, "failed");
    // Its lock is released: the next run takes the cell at once.
    const lock = await claimCell(root, cells[0]);
    assert.ok(lock);
    await lock.release();
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

  await t.step("damaged files of finished cells are reported by name and the cells rerun", async () => {
    const root = await Deno.makeTempDir();
    const cells = expandGrid({ name: "g", datasets: ["d"], models: ["m1", "m2"], seeds: [0, 1, 2] });
    const { runner, calls } = countingRunner();
    const first = await runGrid(cells, runner, { root });
    const expected = rowsOf(first.tables.results);
    const dirOf = (k: number) => `${root}/g/${cells[k].id}`;
    // 0: truncated manifest; 1: manifest with one flipped bit; 2: truncated results.arrow;
    // 3: results.arrow with one flipped bit; 4: metrics.csv deleted. Cell 5 is left alone.
    const manifest0 = await Deno.readTextFile(`${dirOf(0)}/manifest.json`);
    await Deno.writeTextFile(`${dirOf(0)}/manifest.json`, manifest0.slice(0, manifest0.length >> 1));
    const manifest1 = await Deno.readFile(`${dirOf(1)}/manifest.json`);
    manifest1[manifest1.indexOf("attempts".charCodeAt(0)) + 30] ^= 0x01;
    await Deno.writeFile(`${dirOf(1)}/manifest.json`, manifest1);
    const arrow2 = await Deno.readFile(`${dirOf(2)}/results.arrow`);
    await Deno.writeFile(`${dirOf(2)}/results.arrow`, arrow2.subarray(0, arrow2.length - 100));
    const arrow3 = await Deno.readFile(`${dirOf(3)}/results.arrow`);
    arrow3[arrow3.length >> 1] ^= 0x04;
    await Deno.writeFile(`${dirOf(3)}/results.arrow`, arrow3);
    await Deno.remove(`${dirOf(4)}/metrics.csv`);

    for (const k of [0, 1, 2, 3, 4]) assert.equal((await inspectCell(root, cells[k])).status, "damaged");
    assert.equal((await inspectCell(root, cells[5])).status, "done");
    // Collecting alone leaves them out, by name, without failing.
    const collected = await warnings(async () => {
      const tables = await collectGrid(cells, { root });
      assert.equal(tables.results.numRows(), 2, "cell 5, and cell 4 whose results.arrow is intact");
    });
    assert.ok(collected.some((l) => l.startsWith(`[integrity] ${dirOf(2)}/results.arrow: `)));

    let second: Awaited<ReturnType<typeof runGrid>> | undefined;
    const lines = await warnings(async () => second = await runGrid(cells, runner, { root }));
    const expectLine = (file: string, problem: RegExp) =>
      assert.ok(
        lines.some((l) => l.startsWith(`[integrity] ${file}: `) && problem.test(l)),
        `a warning names ${file}: ${lines.join("\n")}`,
      );
    expectLine(`${dirOf(0)}/manifest.json`, /not valid JSON.*truncated or damaged; running the cell again/);
    expectLine(`${dirOf(1)}/manifest.json`, /checksum mismatch/);
    expectLine(`${dirOf(2)}/results.arrow`, /bytes, expected \d+ \(truncated or overwritten\)/);
    expectLine(`${dirOf(3)}/results.arrow`, /checksum mismatch/);
    expectLine(`${dirOf(4)}/metrics.csv`, /missing/);
    assert.deepEqual(second!.ran, cells.slice(0, 5).map((c) => c.id));
    assert.deepEqual(second!.skipped, [cells[5].id]);
    for (const c of cells.slice(0, 5)) assert.equal(calls.get(c.id), 2);
    // Correct final values, once each.
    assert.deepEqual(rowsOf(second!.tables.results), expected);
    assert.equal(second!.tables.metrics.numRows(), 12);
    const m0 = await readManifestJson(root, cells[0]);
    assert.equal(m0.attempts, 1, "the count of a manifest that could not be read starts again");
    assert.match(m0.recovered[0], /manifest\.json: not valid JSON/);
    const m3 = await readManifestJson(root, cells[3]);
    assert.equal(m3.attempts, 2);
    assert.match(m3.recovered[0], /results\.arrow: checksum mismatch/);
    assert.equal(m3.status, "done");
    // Everything is good again: a third run does nothing.
    const third = await runGrid(cells, runner, { root });
    assert.equal(third.ran.length, 0);
    await Deno.remove(root, { recursive: true });
  });

  await t.step("a stale cell lock (dead pid) is taken over; attempts count both starts", async () => {
    const root = await Deno.makeTempDir();
    const cells = expandGrid({ name: "g", datasets: ["d"], models: ["m1"] });
    const { runner } = countingRunner();
    // A run that died mid-cell: its manifest says running and its lock names a process that is gone.
    await assert.rejects(runGrid(cells, () => Promise.reject(new Error("killed")), { root }));
    const dead = new Deno.Command(Deno.execPath(), { args: ["--version"], stdout: "null" }).spawn();
    await dead.status;
    const lockPath = `${root}/g/${cells[0].id}/cell.lock`;
    await Deno.writeTextFile(
      lockPath,
      JSON.stringify({
        pid: dead.pid,
        host: hostName(),
        token: "t",
        purpose: "",
        createdAt: "",
        heartbeatSeconds: 15,
      }),
    );
    const lines = await warnings(() => runGrid(cells, runner, { root }));
    assert.deepEqual(lines, [
      `[lock] ${lockPath}: taking over a stale lock (pid ${dead.pid} on ${hostName()}: its process is gone)`,
    ]);
    const manifest = await readManifestJson(root, cells[0]);
    assert.equal(manifest.status, "done");
    assert.equal(manifest.attempts, 2);
    await assert.rejects(Deno.stat(lockPath), Deno.errors.NotFound);
    await Deno.remove(root, { recursive: true });
  });

  await t.step(
    "a cell held by a live run is skipped, then run once it is free (or left with wait: false)",
    async () => {
      const root = await Deno.makeTempDir();
      const cells = expandGrid({ name: "g", datasets: ["d"], models: ["m1", "m2"] });
      const { runner, calls } = countingRunner();
      await Deno.mkdir(`${root}/g/${cells[0].id}`, { recursive: true });
      const lock = await claimCell(root, cells[0]);
      assert.ok(lock);
      const held: string[] = [];
      const left = await runGrid(cells, runner, { root, wait: false, onHeld: (c) => held.push(c.id) });
      assert.deepEqual(left.ran, [cells[1].id]);
      assert.deepEqual(left.held, [cells[0].id]);
      assert.deepEqual(held, [cells[0].id]);
      assert.equal(left.tables.results.numRows(), 1);
      setTimeout(() => lock.release(), 100);
      const waited = await runGrid(cells, runner, { root, pollSeconds: 0.02 });
      assert.deepEqual(waited.ran, [cells[0].id]);
      assert.deepEqual(waited.skipped, [cells[1].id]);
      assert.equal(waited.tables.results.numRows(), 2);
      assert.equal(calls.get(cells[0].id), 1);
      await Deno.remove(root, { recursive: true });
    },
  );

  await t.step("shards: each task runs its share; together every cell once", async () => {
    const root = await Deno.makeTempDir();
    const cells = expandGrid({ name: "g", datasets: ["d"], models: ["m1", "m2", "m3"], seeds: [0, 1] });
    const { runner, calls } = countingRunner();
    const a = await runGrid(cells, runner, { root, shard: { index: 0, count: 2 } });
    assert.deepEqual(a.ran, [cells[0].id, cells[2].id, cells[4].id]);
    assert.equal(a.tables.results.numRows(), 3);
    const b = await runGrid(cells, runner, { root, shard: { index: 1, count: 2 } });
    assert.deepEqual(b.ran, [cells[1].id, cells[3].id, cells[5].id]);
    assert.equal(b.tables.results.numRows(), 6);
    assert.deepEqual([...calls.values()], [1, 1, 1, 1, 1, 1]);
    await assert.rejects(runGrid(cells, runner, { root, shard: { index: 2, count: 2 } }), {
      name: "GridError",
      message: "runGrid: shard 2/2 is not 0 ≤ index < count",
    });
    await Deno.remove(root, { recursive: true });
  });

  await t.step("two runs at once on one folder: every cell runs exactly once", async () => {
    const root = await Deno.makeTempDir();
    const log = `${root}/started.log`;
    const cells = expandGrid({ name: "killtest", datasets: ["toy"], models: ["a", "b"], seeds: [0, 1, 2] });
    const outputs = await Promise.all(
      [spawnWorker(root, 15, log), spawnWorker(root, 15, log)].map((c) => c.output()),
    );
    const reports = outputs.map((o) => {
      assert.ok(o.success, new TextDecoder().decode(o.stderr));
      return JSON.parse(new TextDecoder().decode(o.stdout).split("\n")[0]) as {
        ran: number;
        skipped: number;
      };
    });
    const started = (await Deno.readTextFile(log)).trim().split("\n").map((l) => l.split(" ")[0]);
    assert.deepEqual(started.toSorted(), cells.map((c) => c.id).toSorted(), "each cell started once");
    assert.equal(reports[0].ran + reports[1].ran, cells.length);
    for (const r of reports) assert.equal(r.ran + r.skipped, cells.length);
    for (const c of cells) {
      const m = await readManifestJson(root, c);
      assert.equal(m.status, "done");
      assert.equal(m.attempts, 1);
    }
    // Both wrote complete grid tables (the second waited for the first's cells).
    const results = await loadTable(`${root}/killtest/results`);
    assert.equal(results?.numRows(), cells.length);
    await Deno.remove(root, { recursive: true });
  });
});

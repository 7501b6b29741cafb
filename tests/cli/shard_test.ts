import assert from "node:assert/strict";
import { readManifest } from "../../lib/experiments/mod.ts";
import { loadStudyGrid } from "../../lib/study/mod.ts";
import { reproduceCommand } from "./_reproduce.ts";

const decode = (b: Uint8Array) => new TextDecoder().decode(b);

function reproduce(args: string[]): Deno.ChildProcess {
  return reproduceCommand(args).spawn();
}

async function finished(child: Deno.ChildProcess) {
  const out = await child.output();
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}

/** A grid's CSV tables, each without its timing column (`seconds`): what must agree between runs. */
async function tablesOf(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (
    const name of [
      "metrics",
      "results",
      "localization",
      "curves",
      "subjects",
      "summary_accuracy",
      "summary_localization",
    ]
  ) {
    const [header, ...rows] = (await Deno.readTextFile(`${dir}/${name}.csv`)).trimEnd().split("\n");
    const columns = header.split(",");
    const timing = columns.indexOf("seconds");
    // No timing column holds a quoted comma (the only quoted field is the normalisation record, before none).
    const drop = (line: string) =>
      timing < 0 ? line : line.split(",").filter((_, k) => k !== timing).join(",");
    out[name] = [header, ...rows].map(drop).join("\n");
  }
  return out;
}

Deno.test("reproduce --shard i/n and --collect: the same tables as one process; a killed shard loses one cell", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "cam-shard-test-" });
  const grid = `${dir}/shards.json`;
  await Deno.writeTextFile(
    grid,
    JSON.stringify({
      name: "shards",
      datasets: ["cohort"],
      models: ["small"],
      pooling: ["gap", "gmp"],
      splits: ["subject", "slice"],
      scales: ["quick"],
      widthMultiplier: 0.25,
      imageSize: 16,
      training: { epochs: 1, batchSize: 16 },
      cam: { methods: ["cam"] },
      data: { camSubjects: 1 },
    }),
  );
  const cells = (await loadStudyGrid(grid)).cells;
  const one = "experiments/_test_shard_one", sharded = "experiments/_test_shard_many";
  const common = ["--scale", "quick", "--grid", grid];
  try {
    await t.step("bad shard flags: usage, exit 2, before anything runs", async () => {
      for (
        const [args, message] of [
          [["--shard", "3/2"], /--shard: "3\/2": need 0 ≤ i < n and n ≥ 1/],
          [["--shard", "0/2", "--collect"], /--shard and --collect are separate stages/],
        ] as const
      ) {
        const r = await finished(reproduce([...common, "--root", one, ...args]));
        assert.equal(r.code, 2);
        assert.match(r.stderr, message);
      }
    });

    await t.step("one process", async () => {
      const r = await finished(reproduce([...common, "--root", one]));
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /ran 4 cells/);
    });

    await t.step("two shards at once, shard 0 killed after its first cell, then rerun", async () => {
      const p0 = reproduce([...common, "--root", sharded, "--shard", "0/2"]);
      const p1 = reproduce([...common, "--root", sharded, "--shard", "1/2"]);
      const first = `${sharded}/shards/${cells[0].id}/manifest.json`;
      for (;;) {
        const m = await readManifest(first).catch(() => undefined);
        if (m?.status === "done") break;
        await new Promise((r) => setTimeout(r, 200));
      }
      p0.kill("SIGKILL");
      await finished(p0);
      const r1 = await finished(p1);
      assert.equal(r1.code, 0, r1.stderr);
      await assert.rejects(
        Deno.stat(`${sharded}/shards/summary_accuracy.csv`),
        Deno.errors.NotFound,
        "a shard writes no summaries or charts: --collect does",
      );
      assert.match(r1.stdout, /ran 2 cells, 0 finished earlier/);

      // Collecting now: the killed shard's unfinished cell is named, exit 1.
      const early = await finished(reproduce([...common, "--root", sharded, "--collect"]));
      assert.equal(early.code, 1);
      assert.match(early.stderr, new RegExp(`cell ${cells[2].id} is (running|new)`));
      assert.match(early.stderr, /1 cell\(s\) not finished/);

      const again = await finished(reproduce([...common, "--root", sharded, "--shard", "0/2"]));
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, new RegExp(`${cells[0].id} \\(finished earlier\\)`));
      assert.match(again.stdout, /ran 1 cells, 1 finished earlier/);
    });

    await t.step(
      "--collect merges the shards' cells into the one-process tables (up to timing)",
      async () => {
        const r = await finished(reproduce([...common, "--root", sharded, "--collect"]));
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /--collect shards: 4\/4 cells finished/);
        assert.deepEqual(await tablesOf(`${sharded}/shards`), await tablesOf(`${one}/shards`));
        const manifest = await readManifest(`${sharded}/shards/${cells[0].id}/manifest.json`);
        assert.equal(manifest?.attempts, 1, "the killed shard's finished cell was not run again");
      },
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
    for (const root of [one, sharded]) await Deno.remove(root, { recursive: true }).catch(() => {});
  }
});

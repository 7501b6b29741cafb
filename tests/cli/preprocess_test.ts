import assert from "node:assert/strict";
import { runTool } from "./_tool.ts";
import { simulateCohort } from "../../lib/synth/mod.ts";

const preprocess = (...args: string[]) => runTool("preprocess", args);

Deno.test("deno task preprocess: a shard of the subjects into the cache; bad flags are usage errors", async (t) => {
  const root = await Deno.makeTempDir({ prefix: "cam-preprocess-cli-" });
  try {
    const cohort = await simulateCohort(`${root}/cohort`, {
      scale: "quick",
      groups: [
        { name: "young", count: 2, minAge: 8, maxAge: 15 },
        { name: "old", count: 1, minAge: 25, maxAge: 75 },
      ],
      acquisitions: 1,
      shape: 16,
      directions: 12,
      workers: 0,
    });
    await t.step("--shard 0/2: subjects 1 and 3 of 3", async () => {
      const r = await preprocess("--data", cohort.dir, "--shard", "0/2", "--cache", `${root}/cache`);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /shard 0\/2, WLS fit/);
      assert.match(r.stdout, /\[preprocess\] 2 of 3 subjects \(2 FA maps\) under .*\/cache in/);
      const fitted = [...Deno.readDirSync(`${root}/cache`)].filter((e) => e.isDirectory).length;
      assert.equal(fitted, 2);
      const again = await preprocess(
        "--data",
        cohort.dir,
        "--shard",
        "1/2",
        "--cache",
        `${root}/cache`,
        "--maps",
        "md",
      );
      assert.equal(again.code, 0, again.stderr);
      const mdMaps = [...Deno.readDirSync(`${root}/cache`)].flatMap((e) =>
        [...Deno.readDirSync(`${root}/cache/${e.name}`)].filter((f) => f.name.includes("_MD_"))
      );
      assert.equal(mdMaps.length, 1, "shard 1/2 of 3: one subject, its MD map");
    });
    for (
      const [args, message] of [
        [["--shard", "2/2"], /--shard: "2\/2": need 0 ≤ i < n and n ≥ 1/],
        [["--shard", "x"], /--shard: "x" is not i\/n/],
        [["--fit", "lsq"], /--fit must be wls or ols, got "lsq"/],
        [["--maps", "md,fa"], /--maps takes md, ad and rd, got "fa"/],
        [["--bogus"], /unknown argument "--bogus"/],
      ] as const
    ) {
      await t.step(`${args.join(" ")}: usage, exit 2`, async () => {
        const r = await preprocess("--data", cohort.dir, ...args);
        assert.equal(r.code, 2);
        assert.match(r.stderr, message);
        assert.match(r.stderr, /usage: deno task preprocess/);
      });
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

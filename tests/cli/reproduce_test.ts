import assert from "node:assert/strict";

const SCRIPT = new URL("../../lib/cli/reproduce.ts", import.meta.url).pathname;

async function reproduce(...args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-write=data,experiments",
      "--allow-env",
      "--allow-sys",
      SCRIPT,
      ...args,
    ],
    stdout: "piped",
    stderr: "piped",
    env: { CAM_BACKEND: "cpu" },
  }).output();
  return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
}

Deno.test("deno task reproduce: bad arguments are refused with a usage line", async (t) => {
  await t.step("an unknown scale", async () => {
    const { code, stderr } = await reproduce("--scale", "huge");
    assert.equal(code, 2);
    assert.match(stderr, /reproduce: unknown scale "huge"/);
    assert.match(stderr, /usage: deno task reproduce/);
  });
  await t.step("a --data folder that does not exist", async () => {
    const { code, stderr } = await reproduce("--data", "/nonexistent/cohort", "--grid", "quick");
    assert.equal(code, 2);
    assert.match(stderr, /--data \/nonexistent\/cohort: no such folder/);
  });
  await t.step("a --data folder without a participants table: the typed error names it", async () => {
    const dir = await Deno.makeTempDir();
    const { code, stderr } = await reproduce(
      "--data",
      dir,
      "--grid",
      "quick",
      "--root",
      "experiments/_test_cli",
    );
    assert.equal(code, 1);
    assert.match(stderr, new RegExp(`reproduce: CohortError: ${dir}: no participants\\.tsv`));
    await Deno.remove(dir, { recursive: true });
    await Deno.remove("experiments/_test_cli", { recursive: true }).catch(() => {});
  });
  await t.step(
    "a --data cohort whose every subject is skipped: 'no usable subjects', the cell marked failed",
    async () => {
      const dir = await Deno.makeTempDir();
      await Deno.mkdir(`${dir}/S01`);
      await Deno.writeTextFile(`${dir}/participants.tsv`, "subject\tage\nS01\t10\n");
      const root = "experiments/_test_cli_empty";
      await Deno.remove(root, { recursive: true }).catch(() => {});
      const { code, stderr } = await reproduce("--data", dir, "--grid", "quick", "--root", root);
      assert.equal(code, 1, stderr);
      assert.match(stderr, /\[cohort\] skipped S01: .*no DWI found/);
      assert.match(
        stderr,
        new RegExp(`reproduce: CohortError: ${dir}: no usable subjects \\(1 problem\\(s\\)`),
      );
      const cells = [];
      for await (const e of Deno.readDir(`${root}/quick`)) if (e.isDirectory) cells.push(e.name);
      assert.equal(cells.length, 1, "the first cell failed and stopped the run");
      const manifest = JSON.parse(await Deno.readTextFile(`${root}/quick/${cells[0]}/manifest.json`));
      assert.equal(manifest.status, "failed");
      assert.equal(manifest.error.name, "CohortError");
      await Deno.remove(dir, { recursive: true });
      await Deno.remove(root, { recursive: true }).catch(() => {});
    },
  );
  await t.step("an unknown argument", async () => {
    const { code, stderr } = await reproduce("--frobnicate");
    assert.equal(code, 2);
    assert.match(stderr, /unknown argument "--frobnicate"/);
  });
});

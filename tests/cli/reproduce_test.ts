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
  await t.step("an unknown argument", async () => {
    const { code, stderr } = await reproduce("--frobnicate");
    assert.equal(code, 2);
    assert.match(stderr, /unknown argument "--frobnicate"/);
  });
});

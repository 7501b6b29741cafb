import assert from "node:assert/strict";

Deno.test("every @example in lib/cam type-checks (deno check --doc)", async () => {
  const lib = new URL("../../lib/cam/", import.meta.url).pathname;
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["check", "--doc", lib],
    cwd: new URL("../../", import.meta.url).pathname,
    stdout: "null",
    stderr: "piped",
  }).output();
  assert.equal(code, 0, new TextDecoder().decode(stderr));
});

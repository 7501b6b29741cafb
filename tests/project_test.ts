import assert from "node:assert/strict";

Deno.test("project layout", async (t) => {
  await t.step("deno.json declares the tasks the README promises", async () => {
    const config = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)));
    for (const task of ["test", "check", "bench", "reproduce", "notebooks"]) {
      assert.ok(config.tasks[task], `missing task ${task}`);
    }
  });
});

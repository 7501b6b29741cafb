import assert from "node:assert/strict";

Deno.test("project layout", async (t) => {
  await t.step("deno.json declares the tasks the README promises", async () => {
    const config = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)));
    for (const task of ["test", "check", "bench", "reproduce", "notebooks", "probe", "stress"]) {
      assert.ok(config.tasks[task], `missing task ${task}`);
    }
  });
  await t.step("TensorFlow.js comes only through lib/tf.ts (its gradients registered)", async () => {
    const offenders: string[] = [];
    for (const folder of ["lib", "tests", "bench"]) {
      for await (const file of walkTs(new URL(`../${folder}/`, import.meta.url))) {
        if (file.href.endsWith("/lib/tf.ts")) continue;
        const text = await Deno.readTextFile(file);
        if (/from "@tensorflow\/tfjs-core"|import "@tensorflow\/tfjs-core"/.test(text)) {
          offenders.push(file.pathname);
        }
      }
    }
    assert.deepEqual(offenders, []);
  });
});

/** Every .ts file under `dir`, recursively. */
async function* walkTs(dir: URL): AsyncGenerator<URL> {
  for await (const e of Deno.readDir(dir)) {
    if (e.isDirectory) yield* walkTs(new URL(`${e.name}/`, dir));
    else if (e.name.endsWith(".ts")) yield new URL(e.name, dir);
  }
}

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

/** The floors of the README's Architecture section: a folder of lib/ imports only from lower floors. */
const FLOORS: Record<string, number> = {
  "tf.ts": 0,
  "errors.ts": 0,
  "fs.ts": 1,
  "rng.ts": 1,
  native: 2,
  nifti: 3,
  backend: 3,
  models: 4,
  dmri: 4,
  slices: 4,
  data: 5,
  synth: 6,
  localize: 7,
  viz: 7,
  cam: 8,
  foreign: 9,
  probes: 9,
  experiments: 10,
  train: 10,
  cluster: 10,
  study: 11,
  cli: 12,
};

Deno.test("lib/ imports flow down the floors; private files stay in their folder", async () => {
  const lib = new URL("../lib/", import.meta.url);
  const problems: string[] = [];
  for await (const file of walkTs(lib)) {
    const rel = file.pathname.slice(lib.pathname.length);
    const folder = rel.includes("/") ? rel.split("/")[0] : rel;
    assert.ok(folder in FLOORS, `lib/${folder} has no floor in the README's Architecture table`);
    const text = await Deno.readTextFile(file);
    for (const m of text.matchAll(/(?:from|import) "(\.{1,2}\/[^"]+)"/g)) {
      const target = new URL(m[1], file).pathname;
      if (!target.startsWith(lib.pathname)) continue;
      const trel = target.slice(lib.pathname.length);
      const tfolder = trel.includes("/") ? trel.split("/")[0] : trel;
      if (tfolder === folder) continue;
      if (!(FLOORS[tfolder] < FLOORS[folder])) {
        problems.push(`lib/${rel} imports lib/${trel} (floor ${FLOORS[tfolder]} ≥ ${FLOORS[folder]})`);
      }
      if (trel.split("/").pop()!.startsWith("_")) {
        problems.push(`lib/${rel} imports another folder's private lib/${trel}`);
      }
    }
  }
  assert.deepEqual(problems, []);
  const readme = await Deno.readTextFile(new URL("../README.md", import.meta.url));
  for (const [folder, floor] of Object.entries(FLOORS)) {
    const row = readme.split("\n").find((l) => l.startsWith(`| ${floor} `));
    assert.ok(
      row?.includes(`\`${folder}\``),
      `README's Architecture table lacks ${folder} on floor ${floor}`,
    );
  }
});

Deno.test("no test passes unrun: absent data is ignore:, never a printed SKIP and a return", async () => {
  const offenders: string[] = [];
  for await (const file of walkTs(new URL("./", import.meta.url))) {
    const text = await Deno.readTextFile(file);
    if (/console\.log\([^)]*\bSKIP\b/.test(text)) offenders.push(file.pathname);
  }
  assert.deepEqual(offenders, []);
});

/** Every .ts file under `dir`, recursively. */
async function* walkTs(dir: URL): AsyncGenerator<URL> {
  for await (const e of Deno.readDir(dir)) {
    if (e.isDirectory) yield* walkTs(new URL(`${e.name}/`, dir));
    else if (e.name.endsWith(".ts")) yield new URL(e.name, dir);
  }
}

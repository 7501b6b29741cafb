import assert from "node:assert/strict";
import { loadCohort } from "../../lib/data/cohort.ts";
import { readNifti } from "../../lib/nifti/read.ts";
import { simulateCohort } from "../../lib/synth/mod.ts";

async function listFiles(dir: string, rel = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(`${dir}/${rel}`)) {
    const path = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory) out.push(...await listFiles(dir, path));
    else out.push(path);
  }
  return out.sort();
}

Deno.test("simulateCohort (quick scale)", async (t) => {
  const root = await Deno.makeTempDir({ prefix: "synth_cohort_test_" });
  const dir = `${root}/quick`;
  try {
    const made = await simulateCohort(dir, { scale: "quick", seed: 7, workers: 0 });

    await t.step("writes the HCP-style layout with truth masks", async () => {
      assert.deepEqual(made.subjects, ["sim01", "sim02", "sim03", "sim04"]);
      assert.deepEqual(made.acquisitions, ["dir20_RL_gdc", "dir21_LR_raw"]);
      assert.deepEqual(made.regions, ["callosum", "slf_left", "cst_right"]);
      const files = await listFiles(dir);
      assert.equal(files.length, 2 + 4 * (2 * 3 + 6));
      for (
        const f of [
          "cohort.json",
          "participants.tsv",
          "sim01/dir20_RL_gdc/data.nii.gz",
          "sim01/dir21_LR_raw/bvecs",
        ]
      ) {
        assert.ok(files.includes(f), f);
      }
      assert.deepEqual(files.filter((f) => f.startsWith("sim02/truth/")), [
        "sim02/truth/brain_mask.nii.gz",
        "sim02/truth/callosum.nii.gz",
        "sim02/truth/cst_right.nii.gz",
        "sim02/truth/fa.nii.gz",
        "sim02/truth/md.nii.gz",
        "sim02/truth/slf_left.nii.gz",
      ]);
      const table = (await Deno.readTextFile(`${dir}/participants.tsv`)).trim().split("\n");
      assert.equal(table[0], "subject\tage\tgroup\tsex");
      assert.deepEqual(table.slice(1).map((r) => r.split("\t")[2]), ["young", "young", "old", "old"]);
      const dwi = await readNifti(`${dir}/sim01/dir21_LR_raw/data.nii.gz`);
      assert.deepEqual(dwi.shape, [24, 24, 24, 23]);
      const bvals = (await Deno.readTextFile(`${dir}/sim01/dir21_LR_raw/bvals`)).trim().split(" ");
      assert.equal(bvals.length, 23);
      const fa = await readNifti(`${dir}/sim01/truth/fa.nii.gz`);
      assert.equal(fa.datatype, "float32");
      assert.deepEqual(fa.affine, dwi.affine);
    });

    await t.step("loads through loadCohort like a real download", async () => {
      const cohort = await loadCohort(dir);
      assert.deepEqual(cohort.problems, []);
      assert.equal(cohort.subjects.length, 4);
      const s = cohort.subjects[3];
      assert.equal(s.group, "old");
      assert.ok(s.age >= 25 && s.age <= 75);
      assert.deepEqual(s.acquisitions.map((a) => [a.name, a.volumes]), [["dir20_RL_gdc", 22], [
        "dir21_LR_raw",
        23,
      ]]);
      assert.deepEqual(Object.keys(s.truth ?? {}).sort(), ["callosum", "cst_right", "slf_left"]);
      assert.deepEqual(Object.keys(s.maps ?? {}).sort(), ["brain_mask", "fa", "md"]);
    });

    await t.step("is resumable: existing files are kept, missing ones rewritten", async () => {
      const again = await simulateCohort(dir, { scale: "quick", seed: 7, workers: 0 });
      assert.equal(again.written, 0);
      assert.equal(again.skipped, 4 * (2 * 3 + 6));
      const before = await Deno.readFile(`${dir}/sim03/dir20_RL_gdc/data.nii.gz`);
      await Deno.remove(`${dir}/sim03/dir20_RL_gdc/data.nii.gz`);
      await Deno.remove(`${dir}/sim04/truth/callosum.nii.gz`);
      const resumed = await simulateCohort(dir, { scale: "quick", seed: 7, workers: 1 });
      assert.equal(resumed.written, 2);
      // Deterministic: the file rewritten in a worker is byte-identical to the one made in this thread.
      assert.deepEqual(await Deno.readFile(`${dir}/sim03/dir20_RL_gdc/data.nii.gz`), before);
    });

    await t.step("refuses to mix a cohort made with other options into the folder", async () => {
      await assert.rejects(simulateCohort(dir, { scale: "quick", seed: 8, workers: 0 }), {
        name: "SynthError",
        message:
          `${dir}: holds a cohort simulated with other options (cohort.json differs); use another folder`,
      });
    });

    await t.step("options: more age groups, counts and a single acquisition", async () => {
      const three = await simulateCohort(`${root}/three`, {
        scale: "quick",
        shape: 12,
        acquisitions: 1,
        directions: 6,
        b0Count: 1,
        workers: 0,
        groups: [
          { name: "child", count: 1, minAge: 8, maxAge: 12 },
          { name: "adult", count: 1, minAge: 30, maxAge: 40 },
          { name: "senior", count: 2, minAge: 65, maxAge: 80 },
        ],
      });
      assert.deepEqual(three.acquisitions, ["dir6_RL_gdc"]);
      const cohort = await loadCohort(`${root}/three`);
      assert.deepEqual(cohort.groups, ["child", "adult", "senior"]);
      assert.deepEqual(cohort.subjects.map((s) => s.group), ["child", "adult", "senior", "senior"]);
    });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

import assert from "node:assert/strict";
import { readSealedJson } from "../../lib/fs.ts";
import { brainMask, fitTensor, loadGradients } from "../../lib/dmri/mod.ts";
import { readNifti } from "../../lib/nifti/mod.ts";
import {
  faCachePath,
  faCachePaths,
  type FaCacheRecord,
  prepareCohortSlices,
  preprocessCohort,
  tensorMapPath,
} from "../../lib/study/mod.ts";
import { simulateCohort } from "../../lib/synth/mod.ts";

const HOLDER = new URL("../experiments/_lock_holder.ts", import.meta.url).pathname;

Deno.test("preprocessCohort: shards of the subjects into the shared FA cache", async (t) => {
  const root = await Deno.makeTempDir({ prefix: "cam-preprocess-test-" });
  const cohort = await simulateCohort(`${root}/cohort`, {
    scale: "quick",
    groups: [
      { name: "young", count: 3, minAge: 8, maxAge: 15 },
      { name: "old", count: 2, minAge: 25, maxAge: 75 },
    ],
    acquisitions: 1,
    shape: 16,
    directions: 12,
    workers: 0,
  });
  const cacheDir = `${root}/cache`;
  const recordOf = async (subject: string, acquisition: string) =>
    (await readSealedJson<FaCacheRecord>(
      faCachePaths(faCachePath(cacheDir, subject, acquisition, "wls")).record,
    ))!;
  try {
    await t.step("two shards at once: each its round-robin share, together every map once", async () => {
      const [a, b] = await Promise.all([
        preprocessCohort(cohort.dir, { cacheDir, shard: { index: 0, count: 2 } }),
        preprocessCohort(cohort.dir, { cacheDir, shard: { index: 1, count: 2 } }),
      ]);
      const ids = a.cohort.subjects.map((s) => s.id);
      assert.equal(ids.length, 5);
      assert.deepEqual(a.subjects.map((r) => r.subject), [ids[0], ids[2], ids[4]]);
      assert.deepEqual(b.subjects.map((r) => r.subject), [ids[1], ids[3]]);
      for (const r of [...a.subjects, ...b.subjects]) assert.equal(r.maps.length, 1);
    });

    await t.step("the maps are the ones the study uses: prepareCohortSlices fits nothing more", async () => {
      const before = new Map<string, string>();
      const { cohort: c } = await preprocessCohort(cohort.dir, { cacheDir, wait: false });
      for (const s of c.subjects) {
        before.set(s.id, (await recordOf(s.id, s.acquisitions[0].name)).createdAt);
      }
      const slices = await prepareCohortSlices(cohort.dir, { cacheDir, imageSize: 16, slicesPerAxis: 2 });
      assert.equal(Object.keys(slices.faPaths).length, 5);
      for (const s of c.subjects) {
        assert.equal((await recordOf(s.id, s.acquisitions[0].name)).createdAt, before.get(s.id));
      }
    });

    await t.step(
      "a killed task loses only its unfinished map; a subject another process holds is left to it",
      async () => {
        const { cohort: c } = await preprocessCohort(cohort.dir, { cacheDir, wait: false });
        const [first, second] = c.subjects;
        // As if a task were killed while fitting `first`: its map is gone, the others are there.
        const lost = faCachePath(cacheDir, first.id, first.acquisitions[0].name, "wls");
        await Deno.remove(lost);
        const kept = (await recordOf(c.subjects[4].id, c.subjects[4].acquisitions[0].name)).createdAt;
        // A live holder of `second`'s claim (another task, still running).
        const holder = new Deno.Command(Deno.execPath(), {
          args: ["run", "-A", HOLDER, `${cacheDir}/${second.id}/subject.lock`],
          stdout: "piped",
        }).spawn();
        const reader = holder.stdout.getReader();
        assert.match(new TextDecoder().decode((await reader.read()).value), /locked/);
        try {
          const rerun = await preprocessCohort(cohort.dir, { cacheDir, wait: false });
          assert.deepEqual(rerun.held, [second.id]);
          assert.equal(rerun.subjects.length, 4);
          await Deno.stat(lost); // fitted again
          assert.equal(
            (await recordOf(c.subjects[4].id, c.subjects[4].acquisitions[0].name)).createdAt,
            kept,
          );
        } finally {
          holder.kill("SIGKILL");
          await holder.status;
          reader.releaseLock();
          await holder.stdout.cancel();
        }
        // The holder died: its stale claim is taken over.
        const after = await preprocessCohort(cohort.dir, { cacheDir, wait: false });
        assert.deepEqual(after.held, []);
        assert.equal(after.subjects.length, 5);
      },
    );

    await t.step(
      "--maps: MD and RD of the same fit cached beside FA; asked for later, the entry is refitted",
      async () => {
        const { cohort: c } = await preprocessCohort(cohort.dir, { cacheDir, wait: false });
        const s = c.subjects[0], a = s.acquisitions[0];
        const fa = faCachePath(cacheDir, s.id, a.name, "wls");
        assert.equal(tensorMapPath(fa, "md"), fa.replace("_FA_wls_masked", "_MD_wls_masked"));
        const before = (await recordOf(s.id, a.name)).createdAt;
        assert.equal((await recordOf(s.id, a.name)).maps, undefined);
        await preprocessCohort(cohort.dir, { cacheDir, maps: ["md", "rd"] });
        const record = await recordOf(s.id, a.name);
        assert.notEqual(record.createdAt, before, "fitted again: the entry had no MD");
        assert.deepEqual(Object.keys(record.maps ?? {}).sort(), ["md", "rd"]);
        // The oracle: lib/dmri's fit of the same DWI in the same mask.
        const dwi = await readNifti(a.dwiPath);
        const gtab = await loadGradients(a.bvalPath, a.bvecPath, { volumes: dwi.shape[3] });
        const want = fitTensor(dwi, gtab, { method: "wls", mask: brainMask(dwi, gtab) });
        for (const name of ["md", "rd"] as const) {
          const got = await readNifti(tensorMapPath(fa, name));
          assert.deepEqual(Array.from(got.data as Float32Array), Array.from(want[name].data as Float32Array));
        }
        // Asked again: nothing refitted; a damaged MD map is reported and refitted.
        await preprocessCohort(cohort.dir, { cacheDir, maps: ["md", "rd"] });
        assert.equal((await recordOf(s.id, a.name)).createdAt, record.createdAt);
        const md = tensorMapPath(fa, "md");
        const bytes = await Deno.readFile(md);
        bytes[bytes.length - 20] ^= 1;
        await Deno.writeFile(md, bytes);
        await preprocessCohort(cohort.dir, { cacheDir, maps: ["md"] });
        assert.notEqual((await recordOf(s.id, a.name)).createdAt, record.createdAt);
      },
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

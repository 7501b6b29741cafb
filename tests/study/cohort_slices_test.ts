import assert from "node:assert/strict";
import { warnings } from "../_console.ts";
import { CohortError } from "../../lib/data/mod.ts";
import { expandGrid, runGrid } from "../../lib/experiments/mod.ts";
import { atomicWriteSealedJson, digestFile, readSealedJson } from "../../lib/fs.ts";
import { readNifti, volumeFrom, writeNifti } from "../../lib/nifti/mod.ts";
import type { SliceProvenance } from "../../lib/slices/mod.ts";
import {
  acquisitionFa,
  type CohortSlices,
  FA_CACHE_FORMAT,
  faCachePaths,
  type FaCacheRecord,
  faInputsRecord,
  prepareCohortSlices,
  studyRunner,
} from "../../lib/study/mod.ts";
import { simulateCohort } from "../../lib/synth/mod.ts";

Deno.test("the FA cache: checked, tied to its inputs, rebuilt when damaged", async (t) => {
  const root = await Deno.makeTempDir({ prefix: "cam-fa-cache-test-" });
  const cohort = await simulateCohort(`${root}/cohort`, {
    scale: "quick",
    groups: [
      { name: "young", count: 1, minAge: 8, maxAge: 15 },
      { name: "old", count: 1, minAge: 25, maxAge: 75 },
    ],
    acquisitions: 1,
    shape: 16,
    directions: 12,
    workers: 0,
  });
  const cacheDir = `${root}/cache`;
  const prepare = () => prepareCohortSlices(cohort.dir, { imageSize: 16, slicesPerAxis: 4, cacheDir });
  const first = await prepare();
  const [a, b] = first.cohort.subjects;
  const mapOf = (id: string) => Object.values(first.faPaths[id])[0];
  const mapA = mapOf(a.id), mapB = mapOf(b.id);
  const recordA = faCachePaths(mapA).record;
  const goodA = await Deno.readFile(mapA);
  const goodRecordA = await Deno.readTextFile(recordA);
  const imagesOf = (slices: Awaited<ReturnType<typeof prepare>>) =>
    slices.samples.map((s) => Array.from(s.image));
  const expected = imagesOf(first);

  /** Prepare again; returns the warnings and checks the slices and A's cache are as the first time. */
  const rerun = async (): Promise<string[]> => {
    let again: Awaited<ReturnType<typeof prepare>> | undefined;
    const lines = await warnings(async () => again = await prepare());
    assert.deepEqual(imagesOf(again!), expected, "the slices are those of the good FA maps");
    assert.deepEqual(await Deno.readFile(mapA), goodA, "the map is rebuilt bit for bit");
    return lines;
  };

  await t.step("a map has a sealed record: its digest, the fit, and its inputs' identity", async () => {
    assert.match(mapA, /_FA_wls_masked\.nii\.gz$/);
    assert.match(recordA, /_FA_wls_masked\.json$/);
    const record = (await readSealedJson<FaCacheRecord>(recordA))!;
    assert.equal(record.format, FA_CACHE_FORMAT);
    assert.equal(record.map.bytes, goodA.length);
    assert.deepEqual(record.fit, { method: "wls", mask: "median-otsu" });
    assert.equal(record.inputs.dwi.path, a.acquisitions[0].dwiPath);
    assert.equal(record.inputs.dwi.bytes, (await Deno.stat(a.acquisitions[0].dwiPath)).size);
    assert.match(record.inputs.bval.sha256, /^[0-9a-f]{64}$/);
    assert.deepEqual(await rerun(), [], "an intact cache is used silently");
  });

  const cases: [string, () => Promise<void>, RegExp][] = [
    [
      "a truncated map",
      async () => {
        await Deno.writeFile(mapA, goodA.subarray(0, goodA.length >> 1));
      },
      new RegExp(
        `^\\[integrity\\] ${mapA}: \\d+ bytes, expected ${goodA.length} \\(truncated or overwritten\\)`,
      ),
    ],
    ["a map with one flipped bit", async () => {
      const bytes = goodA.slice();
      bytes[bytes.length >> 1] ^= 0x01;
      await Deno.writeFile(mapA, bytes);
    }, new RegExp(`^\\[integrity\\] ${mapA}: checksum mismatch`)],
    ["another subject's map swapped in", async () => {
      await Deno.copyFile(mapB, mapA);
    }, new RegExp(`^\\[integrity\\] ${mapA}: `)],
    ["another subject's map and record swapped in", async () => {
      await Deno.copyFile(mapB, mapA);
      await Deno.copyFile(faCachePaths(mapB).record, recordA);
    }, new RegExp(`^\\[integrity\\] ${mapA}: made from other inputs \\(${a.acquisitions[0].dwiPath} is not`)],
    ["a truncated record", async () => {
      await Deno.writeTextFile(recordA, goodRecordA.slice(0, 100));
    }, new RegExp(`^\\[integrity\\] ${recordA}: not valid JSON`)],
    ["a map without a record (cached before checksums)", async () => {
      await Deno.remove(recordA);
    }, new RegExp(`^\\[integrity\\] ${mapA}: no checksum record`)],
  ];
  for (const [name, damage, warning] of cases) {
    await t.step(`${name}: reported by name and fitted again`, async () => {
      await damage();
      const lines = await rerun();
      assert.equal(lines.length, 1, lines.join("\n"));
      assert.match(lines[0], warning);
      assert.match(lines[0], /; fitting the FA map again$/);
      assert.deepEqual(await rerun(), [], "good again");
    });
  }

  await t.step("a swapped input (DWI of another subject) refits from the new input", async () => {
    const dwiA = a.acquisitions[0].dwiPath;
    const saved = await Deno.readFile(dwiA);
    await Deno.copyFile(b.acquisitions[0].dwiPath, dwiA);
    const cacheA = `${root}/swap/a_FA.nii.gz`, cacheB = `${root}/swap/b_FA.nii.gz`;
    const lines = await warnings(async () => {
      await acquisitionFa(b.acquisitions[0], cacheB);
      // A's acquisition as cached, then with B's DWI in place of its own.
      await Deno.writeFile(dwiA, saved);
      await acquisitionFa(a.acquisitions[0], cacheA);
      await Deno.copyFile(b.acquisitions[0].dwiPath, dwiA);
      await acquisitionFa(a.acquisitions[0], cacheA);
    });
    assert.equal(lines.length, 1);
    assert.match(
      lines[0],
      new RegExp(`^\\[integrity\\] ${cacheA}: made from other inputs \\(${dwiA} is not`),
    );
    // Same DWI and gradients → the same FA map as B's.
    assert.deepEqual(await Deno.readFile(cacheA), await Deno.readFile(cacheB));
    await Deno.writeFile(dwiA, saved);
  });

  await t.step("an empty cohort is a CohortError 'no usable subjects' naming the folder", async () => {
    const empty = `${root}/empty`;
    await Deno.mkdir(`${empty}/S01`, { recursive: true });
    await Deno.writeTextFile(`${empty}/participants.tsv`, "subject\tage\nS01\t10\nS02\t40\n");
    await assert.rejects(prepareCohortSlices(empty, { cacheDir }), {
      name: "CohortError",
      message: new RegExp(
        `^${empty}: no usable subjects \\(2 problem\\(s\\), first: S01: ${empty}/S01: no DWI found`,
      ),
    });
  });

  await t.step("...and a cohort cell on it is marked failed with that error, not left running", async () => {
    const empty = `${root}/empty`;
    const cells = expandGrid({ name: "toy", datasets: ["cohort"], models: ["small"], imageSize: 16 });
    const runner = studyRunner({ cohortDir: empty, cacheDir, progress: false });
    await assert.rejects(runGrid(cells, runner, { root: `${root}/exp` }), { name: "CohortError" });
    const manifest = JSON.parse(await Deno.readTextFile(`${root}/exp/toy/${cells[0].id}/manifest.json`));
    assert.equal(manifest.status, "failed");
    assert.equal(manifest.error.name, "CohortError");
    assert.match(manifest.error.message, new RegExp(`^${empty}: no usable subjects`));
  });

  await Deno.remove(root, { recursive: true });
});

Deno.test("refused gradient tables are skipped; non-finite DWI samples counted and zeroed", async (t) => {
  const root = await Deno.makeTempDir({ prefix: "cam-fa-refused-test-" });
  const cohort = await simulateCohort(`${root}/cohort`, {
    scale: "quick",
    groups: [
      { name: "young", count: 2, minAge: 8, maxAge: 15 },
      { name: "old", count: 2, minAge: 25, maxAge: 75 },
    ],
    acquisitions: 2,
    shape: 16,
    directions: 12,
    workers: 0,
  });
  const index = await prepareCohortSlices(cohort.dir, { cacheDir: `${root}/cache0`, maxAcquisitions: 1 });
  const [a, b, c, d] = index.cohort.subjects;
  const allB0 = async (acq: { bvalPath: string }) => {
    const count = (await Deno.readTextFile(acq.bvalPath)).trim().split(/\s+/).length;
    await Deno.writeTextFile(acq.bvalPath, `${new Array(count).fill(0).join(" ")}\n`);
  };
  let run = 0;
  /** Prepare into a fresh cache; returns the slices and the warnings. */
  const prepare = async (options: { maxAcquisitions?: number; cacheDir?: string } = {}) => {
    const cacheDir = options.cacheDir ?? `${root}/cache${++run}`;
    let slices: CohortSlices | undefined;
    const lines = await warnings(async () => {
      slices = await prepareCohortSlices(cohort.dir, {
        imageSize: 16,
        slicesPerAxis: 4,
        cacheDir,
        ...options,
      });
    });
    return { slices: slices!, lines, cacheDir };
  };
  const acquisitionsOf = (slices: CohortSlices, id: string) => [
    ...new Set(
      slices.samples.filter((s) => s.subject === id).map((s) =>
        (s.meta?.provenance as SliceProvenance).acquisition
      ),
    ),
  ];

  await t.step(
    "an all-b0 table: skipped with a warning naming its files, never cached; the next one used",
    async () => {
      const [bad, good] = a.acquisitions;
      await allB0(bad);
      const { slices, lines, cacheDir } = await prepare({ maxAcquisitions: 1 });
      assert.equal(lines.length, 1, lines.join("\n"));
      assert.equal(
        lines[0],
        `[cohort] skipped ${a.id}/${bad.name} (${bad.dwiPath}): ${bad.bvalPath} + ${bad.bvecPath}: ` +
          `no diffusion-weighted volume: all ${bad.volumes} b-values are ≤ b0Threshold 50`,
      );
      assert.deepEqual(Object.keys(slices.faPaths[a.id]), [good.name]);
      assert.deepEqual(acquisitionsOf(slices, a.id), [good.name], "A is trained on its usable acquisition");
      for (const s of [b, c, d]) assert.equal(acquisitionsOf(slices, s.id).length, 1);
      const cached = `${cacheDir}/${a.id}/${bad.name}_FA_wls_masked`;
      await assert.rejects(Deno.stat(`${cached}.nii.gz`), Deno.errors.NotFound);
      await assert.rejects(Deno.stat(`${cached}.json`), Deno.errors.NotFound);
      assert.equal(slices.refused.length, 1);
      assert.deepEqual(slices.refused[0], {
        subject: a.id,
        path: `${bad.bvalPath} + ${bad.bvecPath}`,
        reason: `acquisition ${bad.name}: no diffusion-weighted volume: all ${bad.volumes} b-values are ` +
          "≤ b0Threshold 50",
      });
      assert.ok(slices.cohort.problems.includes(slices.refused[0]));
      assert.deepEqual(slices.cohort.subjects.find((s) => s.id === a.id)!.acquisitions.map((x) => x.name), [
        good.name,
      ]);
    },
  );

  await t.step("a subject whose every acquisition is refused is left out; the others are used", async () => {
    for (const acq of b.acquisitions) await allB0(acq);
    const { slices, lines } = await prepare();
    assert.equal(lines.length, 3, lines.join("\n"));
    assert.ok(lines.every((l) => l.startsWith("[cohort] skipped ")));
    assert.ok(!slices.cohort.subjects.some((s) => s.id === b.id));
    assert.equal(acquisitionsOf(slices, b.id).length, 0);
    assert.deepEqual(slices.cohort.subjects.map((s) => s.id), [a.id, c.id, d.id]);
    assert.equal(acquisitionsOf(slices, c.id).length, 2);
  });

  await t.step("a NaN b-value: the cohort index leaves the subject out with a warning", async () => {
    const acq = c.acquisitions[0];
    const values = (await Deno.readTextFile(acq.bvalPath)).trim().split(/\s+/);
    values[3] = "nan";
    await Deno.writeTextFile(acq.bvalPath, `${values.join(" ")}\n`);
    const { slices, lines } = await prepare({ maxAcquisitions: 1 });
    assert.ok(
      lines.some((l) => l.startsWith(`[cohort] skipped ${c.id}: ${acq.dwiPath}: gradient files unreadable`)),
      lines.join("\n"),
    );
    assert.ok(lines.some((l) => l.includes("is not a finite b-value")), lines.join("\n"));
    assert.deepEqual(slices.cohort.subjects.map((s) => s.id), [a.id, d.id]);
  });

  await t.step(
    "a table refused now is not used from a map cached by code that did not check it",
    async () => {
      const acq = d.acquisitions[0];
      const cacheDir = `${root}/old-cache`;
      const cachePath = `${cacheDir}/${d.id}/${acq.name}_FA_wls_masked.nii.gz`;
      await acquisitionFa(acq, cachePath);
      // The record of an older fit from the same (bad) table: its b-values' identity is that file's.
      const saved = await Deno.readTextFile(acq.bvalPath);
      await allB0(acq);
      const recordPath = faCachePaths(cachePath).record;
      const record = (await readSealedJson<FaCacheRecord>(recordPath))!;
      const info = await Deno.stat(acq.bvalPath);
      record.inputs.bval = {
        path: acq.bvalPath,
        mtimeMs: info.mtime!.getTime(),
        ...(await digestFile(acq.bvalPath)),
      };
      await atomicWriteSealedJson(recordPath, record);
      await assert.rejects(acquisitionFa(acq, cachePath), {
        name: "DmriError",
        message: /no diffusion-weighted volume/,
      });
      const { slices, lines } = await prepare({ maxAcquisitions: 1, cacheDir });
      assert.ok(lines.some((l) => l.startsWith(`[cohort] skipped ${d.id}/${acq.name} `)), lines.join("\n"));
      assert.deepEqual(acquisitionsOf(slices, d.id), [d.acquisitions[1].name]);
      await Deno.writeTextFile(acq.bvalPath, saved);
    },
  );

  await t.step(
    "a NaN DWI sample: its voxel's FA is 0, counted in the record and the slices, warned",
    async () => {
      const acq = d.acquisitions[0];
      const before = await acquisitionFa(acq, `${root}/nan-cache/clean.nii.gz`);
      const dwi = await readNifti(acq.dwiPath);
      const [nx, ny, nz, n] = dwi.shape;
      const bvals = (await Deno.readTextFile(acq.bvalPath)).trim().split(/\s+/).map(Number);
      const centre = 8 + nx * (8 + ny * 8), dwVolume = bvals.findIndex((v) => v > 50);
      assert.ok(Number(before.fa.data[centre]) > 0, "the centre voxel is inside the brain");
      const data = Float32Array.from(dwi.data as ArrayLike<number>);
      data[centre + nx * ny * nz * dwVolume] = NaN;
      await writeNifti(
        volumeFrom(data, [nx, ny, nz, n], { affine: dwi.affine, pixdim: dwi.pixdim }),
        acq.dwiPath,
      );

      const { slices, lines, cacheDir } = await prepare({ maxAcquisitions: 1 });
      const warning = `[cohort] ${acq.dwiPath}: 1 voxel(s) with a NaN or infinite DWI sample: ` +
        "their FA is set to 0, the value outside the brain";
      assert.deepEqual(lines.filter((l) => !l.startsWith("[cohort] skipped")), [warning]);
      assert.equal(slices.nonFiniteVoxels[d.id][acq.name], 1);
      assert.equal(slices.nonFiniteVoxels[a.id][a.acquisitions[1].name], 0);
      assert.deepEqual(faInputsRecord(slices).non_finite_voxels, { [`${d.id}/${acq.name}`]: 1 });
      for (const s of slices.samples) assert.ok(s.image.every(Number.isFinite), "every slice is finite");
      const map = await readNifti(slices.faPaths[d.id][acq.name]);
      assert.equal(map.data[centre], 0);
      assert.ok(Array.from(map.data as ArrayLike<number>).every(Number.isFinite));
      const record =
        (await readSealedJson<FaCacheRecord>(faCachePaths(slices.faPaths[d.id][acq.name]).record))!;
      assert.equal(record.nonFiniteVoxels, 1);
      // From the cache: the same count and warning.
      const again = await prepare({ maxAcquisitions: 1, cacheDir });
      assert.deepEqual(again.lines.filter((l) => !l.startsWith("[cohort] skipped")), [warning]);
      assert.equal(again.slices.nonFiniteVoxels[d.id][acq.name], 1);
    },
  );

  await t.step(
    "when no subject is left: the CohortError 'no usable subjects' naming the folder",
    async () => {
      for (const s of [a, d]) for (const acq of s.acquisitions) await allB0(acq);
      let error: unknown;
      const lines = await warnings(async () => {
        try {
          await prepareCohortSlices(cohort.dir, { cacheDir: `${root}/cache-none` });
        } catch (e) {
          error = e;
        }
      });
      assert.ok(error instanceof CohortError, String(error));
      assert.match(
        error.message,
        new RegExp(`^${cohort.dir}: no usable subjects \\(\\d+ problem\\(s\\), first: ${c.id}: `),
      );
      assert.ok(
        error.problems.some((p) => p.subject === a.id && /no diffusion-weighted volume/.test(p.reason)),
      );
      assert.ok(lines.filter((l) => l.startsWith("[cohort] skipped")).length >= 5, lines.join("\n"));
    },
  );

  await Deno.remove(root, { recursive: true });
});

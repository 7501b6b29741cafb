import assert from "node:assert/strict";
import { expandGrid, readSealedJson, runGrid } from "../../lib/experiments/mod.ts";
import {
  acquisitionFa,
  FA_CACHE_FORMAT,
  faCachePaths,
  type FaCacheRecord,
  prepareCohortSlices,
  studyRunner,
} from "../../lib/study/mod.ts";
import { simulateCohort } from "../../lib/synth/mod.ts";

/** Run `fn` with console.warn captured; returns the lines warned. */
async function warnings(fn: () => Promise<unknown>): Promise<string[]> {
  const lines: string[] = [];
  const original = console.warn;
  console.warn = (...args: unknown[]) => lines.push(args.map(String).join(" "));
  try {
    await fn();
  } finally {
    console.warn = original;
  }
  return lines;
}

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

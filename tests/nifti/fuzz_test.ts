import assert from "node:assert/strict";
import { needs } from "../_skip.ts";
import { gunzipSync } from "node:zlib";
import { decodeNifti, NiftiError, readNifti, type Volume } from "../../lib/nifti/mod.ts";
import { DATA, HAVE_DATA, rng } from "./_fixtures.ts";

/** Iterations; raise NIFTI_FUZZ_ITERS (and vary NIFTI_FUZZ_SEED) for a longer local hunt. */
const ITERS = Number(Deno.env.get("NIFTI_FUZZ_ITERS") ?? 600);

const FILES = [
  "nifti/5D_small.nii",
  "nifti/niivue_minimal.nii.gz",
  "nifti/niivue_low_res.nii.gz",
  "nifti/nibabel_standard.nii.gz",
  "nifti/nibabel_functional.nii",
  "nifti/nibabel_anatomical.nii",
  "nifti/nibabel_example_nifti2.nii.gz",
  "nifti/niivue_complex_image.nii.gz",
  "nifti/big.nii.gz",
];

/** A Volume is valid when its parts agree: shape, data length, datatype, finite affine. */
function assertValid(v: Volume, label: string) {
  assert.ok(v.shape.length >= 1 && v.shape.length <= 7, `${label}: shape ${v.shape}`);
  const count = v.shape.reduce((a, b) => a * b, 1) * (v.channels ?? 1);
  assert.equal(v.data.length, count, `${label}: data length`);
  assert.equal(v.affine.length, 4, label);
  assert.ok(v.affine.every((r) => r.length === 4 && r.every(Number.isFinite)), `${label}: affine`);
  assert.equal(v.pixdim.length, v.shape.length, label);
}

const shared = needs(HAVE_DATA, `${DATA} (real files to mutate)`);

Deno.test({
  name: "fuzz: byte flips and truncations give a valid Volume or a NiftiError" + shared.label,
  ignore: shared.ignore,
}, async () => {
  const random = rng(Number(Deno.env.get("NIFTI_FUZZ_SEED") ?? 20240611));
  const sources: { name: string; bytes: Uint8Array }[] = [];
  for (const f of FILES) {
    const bytes = await Deno.readFile(`${DATA}${f}`);
    sources.push({ name: f, bytes });
    // the decompressed bytes too, so that flips reach the header instead of the gzip checksum
    if (f.endsWith(".gz")) {
      sources.push({ name: `${f} (inflated)`, bytes: new Uint8Array(gunzipSync(bytes)) });
    }
  }
  const outcomes = { volume: 0, error: 0 };
  const t0 = performance.now();
  for (let iter = 0; iter < ITERS; iter++) {
    const src = sources[Math.floor(random() * sources.length)];
    let bytes = src.bytes.slice();
    let what: string;
    if (random() < 0.25) {
      const cut = Math.floor(random() * bytes.length);
      bytes = bytes.subarray(0, cut);
      what = `truncated to ${cut}`;
    } else {
      const flips = 1 + Math.floor(random() * 8);
      // half the time aim at the header (first 540 bytes), where flips change meaning
      const span = random() < 0.5 ? Math.min(bytes.length, 540) : bytes.length;
      for (let k = 0; k < flips; k++) bytes[Math.floor(random() * span)] ^= 1 << Math.floor(random() * 8);
      what = `${flips} flips`;
    }
    const label = `#${iter} ${src.name} ${what}`;
    try {
      assertValid(decodeNifti(bytes, { name: label, complex: "magnitude" }), label);
      outcomes.volume++;
    } catch (e) {
      if (e instanceof assert.AssertionError) throw e;
      assert.ok(e instanceof NiftiError, `${label}: ${e instanceof Error ? `${e.name}: ${e.message}` : e}`);
      assert.ok(e.message.startsWith(`${label}: `), e.message);
      outcomes.error++;
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  console.log(`fuzz: ${outcomes.volume} volumes, ${outcomes.error} NiftiErrors in ${seconds.toFixed(2)} s`);
  assert.ok(outcomes.volume > 50 && outcomes.error > 50, JSON.stringify(outcomes));
});

Deno.test({
  name: "fuzz: mutated files read by path (.nii, .nii.gz, .hdr/.img) give a Volume or a NiftiError" +
    shared.label,
  ignore: shared.ignore,
}, async () => {
  const random = rng(Number(Deno.env.get("NIFTI_FUZZ_SEED") ?? 99));
  const singles = [
    "nifti/5D_small.nii",
    "nifti/nibabel_functional.nii",
    "nifti/niivue_minimal.nii.gz",
    "nifti/big.nii.gz",
  ];
  const pair = ["nifti/niivue_ras.hdr", "nifti/niivue_ras.img"];
  const originals = new Map<string, Uint8Array>();
  for (const f of [...singles, ...pair]) originals.set(f, await Deno.readFile(`${DATA}${f}`));
  const dir = await Deno.makeTempDir();
  const outcomes = { volume: 0, error: 0 };
  try {
    for (let iter = 0; iter < Math.ceil(ITERS / 4); iter++) {
      const usePair = random() < 0.3;
      const name = usePair ? pair[random() < 0.5 ? 0 : 1] : singles[Math.floor(random() * singles.length)];
      let bytes = originals.get(name)!.slice();
      if (random() < 0.3) bytes = bytes.subarray(0, Math.floor(random() * bytes.length));
      else {
        const span = random() < 0.5 ? Math.min(bytes.length, 540) : bytes.length;
        for (let k = 0; k < 1 + random() * 6; k++) {
          bytes[Math.floor(random() * span)] ^= 1 << Math.floor(random() * 8);
        }
      }
      const base = name.split("/").pop()!;
      if (usePair) {
        for (const p of pair) await Deno.writeFile(`${dir}/${p.split("/").pop()}`, originals.get(p)!);
      }
      await Deno.writeFile(`${dir}/${base}`, bytes);
      const path = usePair ? `${dir}/niivue_ras.hdr` : `${dir}/${base}`;
      try {
        assertValid(await readNifti(path, { complex: "magnitude" }), `#${iter} ${name}`);
        outcomes.volume++;
      } catch (e) {
        if (e instanceof assert.AssertionError) throw e;
        assert.ok(
          e instanceof NiftiError,
          `#${iter} ${name}: ${e instanceof Error ? `${e.name}: ${e.message}` : e}`,
        );
        outcomes.error++;
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  console.log(`path fuzz: ${outcomes.volume} volumes, ${outcomes.error} NiftiErrors`);
  assert.ok(outcomes.volume > 10 && outcomes.error > 10, JSON.stringify(outcomes));
});

import assert from "node:assert/strict";
import { CohortError, loadCohort } from "../../lib/data/cohort.ts";
import { CamDmriError } from "../../lib/errors.ts";
import { writeNifti } from "../../lib/nifti/write.ts";
import { volumeFrom } from "../../lib/nifti/volume_from.ts";

async function dwi(path: string, volumes: number): Promise<void> {
  await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
  await writeNifti(volumeFrom(new Int16Array(8 * volumes).fill(100), [2, 2, 2, volumes]), path);
}

async function gradients(bval: string, bvec: string, volumes: number): Promise<void> {
  const b = Array.from({ length: volumes }, (_, i) => (i === 0 ? 0 : 1000));
  await Deno.writeTextFile(bval, b.join(" ") + "\n");
  const rows = [0, 1, 2].map((a) => b.map((v) => (v === 0 ? 0 : a === 0 ? 1 : 0)).join(" "));
  await Deno.writeTextFile(bvec, rows.join("\n") + "\n");
}

/** HCP-style acquisition folder: data.nii.gz + bvals + bvecs. */
async function hcpAcquisition(dir: string, volumes = 4): Promise<void> {
  await dwi(`${dir}/data.nii.gz`, volumes);
  await gradients(`${dir}/bvals`, `${dir}/bvecs`, volumes);
}

Deno.test("loadCohort", async (t) => {
  const root = await Deno.makeTempDir({ prefix: "cohort_test_" });
  try {
    await t.step("HCP-style folder: good subjects load, broken ones are reported by name", async () => {
      const dir = `${root}/hcp`;
      await Deno.mkdir(dir, { recursive: true });
      await Deno.writeTextFile(
        `${dir}/participants.tsv`,
        "subject\tage\tgroup\tsex\nS01\t10.5\tyoung\tF\nS02\t40\told\tM\nS03\t30\told\tF\nS04\t12\tyoung\tM\n" +
          "S05\t50\told\tF\nS06\t9\tyoung\tM\n",
      );
      await hcpAcquisition(`${dir}/S01/dir80_RL`);
      await hcpAcquisition(`${dir}/S01/dir80_LR`);
      await dwi(`${dir}/S01/truth/callosum.nii.gz`, 1);
      await dwi(`${dir}/S01/truth/fa.nii.gz`, 1);
      await hcpAcquisition(`${dir}/S02/dir80_RL`);
      await hcpAcquisition(`${dir}/S03/dir80_RL`);
      await Deno.remove(`${dir}/S03/dir80_RL/bvecs`); // missing file
      await hcpAcquisition(`${dir}/S04/dir80_RL`);
      await Deno.writeTextFile(`${dir}/S04/dir80_RL/data.nii.gz`, "not a nifti file at all, just text ..."); // broken
      // S05: in the table, no folder.
      await hcpAcquisition(`${dir}/S06/dir80_RL`, 4);
      await gradients(`${dir}/S06/dir80_RL/bvals`, `${dir}/S06/dir80_RL/bvecs`, 5); // 4 volumes, 5 b-values
      await hcpAcquisition(`${dir}/S07/dir80_RL`); // not in the table

      const cohort = await loadCohort(dir);
      assert.deepEqual(cohort.subjects.map((s) => s.id), ["S01", "S02"]);
      const s01 = cohort.subjects[0];
      assert.equal(s01.age, 10.5);
      assert.equal(s01.group, "young");
      assert.equal(s01.sex, "F");
      assert.deepEqual(s01.acquisitions.map((a) => a.name), ["dir80_LR", "dir80_RL"]);
      assert.deepEqual(s01.acquisitions[1], {
        name: "dir80_RL",
        dwiPath: `${dir}/S01/dir80_RL/data.nii.gz`,
        bvalPath: `${dir}/S01/dir80_RL/bvals`,
        bvecPath: `${dir}/S01/dir80_RL/bvecs`,
        volumes: 4,
      });
      assert.deepEqual(s01.truth, { callosum: `${dir}/S01/truth/callosum.nii.gz` });
      assert.deepEqual(s01.maps, { fa: `${dir}/S01/truth/fa.nii.gz` });
      assert.deepEqual(cohort.groups, ["young", "old"]);
      const bySubject = Object.fromEntries(cohort.problems.map((p) => [p.subject, p]));
      assert.deepEqual(Object.keys(bySubject).sort(), ["S03", "S04", "S05", "S06", "S07"]);
      assert.equal(bySubject.S03.reason, "missing bvecs next to it");
      assert.equal(bySubject.S03.path, `${dir}/S03/dir80_RL/data.nii.gz`);
      assert.match(bySubject.S04.reason, /^unreadable NIfTI \(.*not a NIfTI file/);
      assert.equal(bySubject.S05.reason, "subject folder not found");
      assert.equal(bySubject.S06.reason, "4 volumes but 5 b-values");
      assert.equal(bySubject.S07.reason, "has DWI but no row in the participants table");
    });

    await t.step("onProblem: 'fail' throws a CohortError naming the subjects", async () => {
      await assert.rejects(loadCohort(`${root}/hcp`, { onProblem: "fail" }), (e: unknown) => {
        assert.ok(e instanceof CohortError);
        assert.equal(e.name, "CohortError");
        assert.match(
          e.message,
          new RegExp(`^${root}/hcp: 5 problem\\(s\\): S03: .*missing bvecs next to it; S04: `),
        );
        assert.equal(e.problems.length, 5);
        return true;
      });
    });

    await t.step("BIDS-like layout, age ranges, groups derived from age", async () => {
      const dir = `${root}/bids`;
      await Deno.mkdir(dir, { recursive: true });
      await Deno.writeTextFile(
        `${dir}/participants.tsv`,
        "participant_id\tage\tsex\nsub-01\t26-30\tM\nsub-02\t12\tF\nsub-03\t20\tF\n",
      );
      for (const id of ["sub-01", "sub-02", "sub-03"]) {
        const stem = `${dir}/${id}/dwi/${id}_acq-dir80_dir-RL_dwi`;
        await dwi(`${stem}.nii.gz`, 3);
        await gradients(`${stem}.bval`, `${stem}.bvec`, 3);
        await dwi(`${dir}/${id}/anat/${id}_T1w.nii.gz`, 1); // not DWI: ignored
      }
      const cohort = await loadCohort(dir);
      assert.deepEqual(
        cohort.subjects.map((s) => [s.id, s.age, s.group, s.sex, s.acquisitions.map((a) => a.name)]),
        [["sub-01", 28, "old", "M", ["acq-dir80_dir-RL"]], ["sub-02", 12, "young", "F", [
          "acq-dir80_dir-RL",
        ]]],
      );
      assert.deepEqual(cohort.problems, [
        {
          subject: "sub-03",
          path: `${dir}/participants.tsv`,
          reason: "no group column and age 20 is in no group range",
        },
      ]);
      const three = await loadCohort(dir, {
        groups: [{ name: "child", minAge: 0, maxAge: 17 }, { name: "adult", minAge: 18, maxAge: 99 }],
      });
      assert.deepEqual(three.subjects.map((s) => s.group), ["adult", "child", "adult"]);
      assert.deepEqual(three.groups, ["child", "adult"]);
    });

    await t.step("HCP unprocessed layout: <id>_3T_DWI_<acq>.nii.gz with sibling .bval/.bvec", async () => {
      const dir = `${root}/unprocessed`;
      await Deno.mkdir(dir, { recursive: true });
      await Deno.writeTextFile(`${dir}/participants.csv`, "Subject,Age,Group,Gender\nLS2001,36-40,old,F\n");
      const base = `${dir}/LS2001/unprocessed/3T/Diffusion`;
      for (const acq of ["dir80_RL", "dir81_LR"]) {
        await dwi(`${base}/LS2001_3T_DWI_${acq}.nii.gz`, 2);
        await gradients(`${base}/LS2001_3T_DWI_${acq}.bval`, `${base}/LS2001_3T_DWI_${acq}.bvec`, 2);
        await dwi(`${base}/LS2001_3T_DWI_${acq}_SBRef.nii.gz`, 1); // reference image: ignored
      }
      const cohort = await loadCohort(dir);
      assert.deepEqual(cohort.problems, []);
      assert.deepEqual(cohort.subjects[0].acquisitions.map((a) => a.name), [
        "3T_DWI_dir80_RL",
        "3T_DWI_dir81_LR",
      ]);
      assert.equal(cohort.subjects[0].age, 38);
    });

    await t.step("check: 'full' finds a truncated gzip that the header check passes", async () => {
      const dir = `${root}/truncated`;
      await Deno.mkdir(dir, { recursive: true });
      await Deno.writeTextFile(`${dir}/participants.tsv`, "subject\tage\tgroup\nA\t10\tyoung\n");
      const acq = `${dir}/A/run1`;
      await Deno.mkdir(acq, { recursive: true });
      await writeNifti(
        volumeFrom(Int16Array.from({ length: 64 * 64 * 8 * 4 }, (_, i) => (i * 7919) % 3001), [64, 64, 8, 4]),
        `${acq}/data.nii.gz`,
      );
      await gradients(`${acq}/bvals`, `${acq}/bvecs`, 4);
      const bytes = await Deno.readFile(`${acq}/data.nii.gz`);
      await Deno.writeFile(`${acq}/data.nii.gz`, bytes.subarray(0, Math.floor(bytes.length / 2)));
      assert.equal((await loadCohort(dir)).subjects.length, 1);
      const full = await loadCohort(dir, { check: "full" });
      assert.equal(full.subjects.length, 0);
      assert.match(full.problems[0].reason, /^unreadable NIfTI|^truncated image/);
      // Asked for at least one subject: a typed error naming the folder, not an empty cohort.
      await assert.rejects(loadCohort(dir, { check: "full", minSubjects: 1 }), (e: unknown) => {
        assert.ok(e instanceof CohortError && e instanceof CamDmriError);
        assert.equal(e.source, dir);
        assert.match(
          e.message,
          new RegExp(`^${dir}: no usable subjects \\(1 problem\\(s\\), first: A: ${acq}/data\\.nii\\.gz: `),
        );
        assert.equal(e.problems.length, 1);
        return true;
      });
      await assert.rejects(loadCohort(dir, { minSubjects: 2 }), {
        name: "CohortError",
        message:
          `${dir}: only 1 usable subject(s), 2 needed (the participants table ${dir}/participants.tsv lists 1 subject(s))`,
      });
    });

    await t.step("a folder without a participants table is an error", async () => {
      await Deno.mkdir(`${root}/empty`);
      await assert.rejects(loadCohort(`${root}/empty`), {
        name: "CohortError",
        message: `${root}/empty: no participants.tsv (or participants.csv)`,
      });
      await assert.rejects(loadCohort(`${root}/nowhere`), {
        name: "CohortError",
        message: `${root}/nowhere: folder not found`,
      });
    });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

import assert from "node:assert/strict";
import { PHANTOM_REGIONS, planSubjects, subjectToTemplate } from "../../lib/synth/mod.ts";

Deno.test("planSubjects", async (t) => {
  await t.step("defaults mirror the seed's cohort: 12 young 8–15, 14 old 25–75", () => {
    const subjects = planSubjects(PHANTOM_REGIONS);
    assert.equal(subjects.length, 26);
    const young = subjects.filter((s) => s.group === "young");
    const old = subjects.filter((s) => s.group === "old");
    assert.equal(young.length, 12);
    assert.equal(old.length, 14);
    assert.ok(young.every((s) => s.age >= 8 && s.age <= 15));
    assert.ok(old.every((s) => s.age >= 25 && s.age <= 75));
    assert.equal(subjects[0].id, "sim01");
    assert.equal(subjects[25].id, "sim26");
    const sexes = new Set(subjects.map((s) => s.sex));
    assert.deepEqual([...sexes].sort(), ["F", "M"]);
  });

  await t.step(
    "the age effect: lower FA with age in callosum and slf_left, higher in cst_right, none elsewhere",
    () => {
      const subjects = planSubjects(PHANTOM_REGIONS, { seed: 1 });
      const mean = (g: string, r: number) => {
        const s = subjects.filter((x) => x.group === g);
        return s.reduce((a, x) => a + x.ageEffect[r], 0) / s.length;
      };
      const diff = (r: number) => mean("old", r) - mean("young", r);
      assert.ok(diff(0) < -0.05 && diff(1) < -0.05 && diff(3) === 0 && diff(2) === 0);
      assert.ok(diff(4) > 0.04);
      // ageEffect is linear in age: 0 at the young range's centre (11.5), deltaFA at the old range's (50).
      const s = subjects[0];
      assert.ok(Math.abs(s.ageEffect[0] - (-0.1 * (s.age - 11.5)) / 38.5) < 1e-12);
      assert.ok(
        subjects.every((x) => x.faShift.every((v, r) => Math.abs(v - x.ageEffect[r]) <= 0.03 + 1e-12)),
      );
    },
  );

  await t.step("deterministic for a seed; other seeds differ", () => {
    assert.deepEqual(planSubjects(PHANTOM_REGIONS, { seed: 4 }), planSubjects(PHANTOM_REGIONS, { seed: 4 }));
    assert.notDeepEqual(
      planSubjects(PHANTOM_REGIONS, { seed: 4 }),
      planSubjects(PHANTOM_REGIONS, { seed: 5 }),
    );
  });

  await t.step("anatomy: small rotations, scale and a smooth, invertible-looking deformation", () => {
    for (const s of planSubjects(PHANTOM_REGIONS, { seed: 3 })) {
      const g = s.geometry;
      assert.ok(Math.abs(g.scale - 1) <= 0.08);
      const r = g.rotation;
      const det = r[0] * (r[4] * r[8] - r[5] * r[7]) - r[1] * (r[3] * r[8] - r[5] * r[6]) +
        r[2] * (r[3] * r[7] - r[4] * r[6]);
      assert.ok(Math.abs(det - 1) < 1e-12);
      assert.ok(r[0] > Math.cos((10 * Math.PI) / 180));
      const q = new Float64Array(3);
      subjectToTemplate(g, [0, 0, 0], q);
      assert.ok(Math.hypot(q[0], q[1], q[2]) < 20);
    }
    const still = planSubjects(PHANTOM_REGIONS, { variability: 0 })[0];
    const q = new Float64Array(3);
    subjectToTemplate(still.geometry, [10, -20, 30], q);
    assert.deepEqual(Array.from(q), [10, -20, 30]);
  });

  await t.step("options: more groups, unknown regions are errors", () => {
    const s = planSubjects(PHANTOM_REGIONS, {
      groups: [
        { name: "a", count: 2, minAge: 5, maxAge: 10 },
        { name: "b", count: 2, minAge: 20, maxAge: 30 },
        { name: "c", count: 2, minAge: 60, maxAge: 70 },
      ],
    });
    assert.deepEqual(s.map((x) => x.group), ["a", "a", "b", "b", "c", "c"]);
    assert.throws(() => planSubjects(PHANTOM_REGIONS, { effects: [{ region: "fornix", deltaFA: 0.1 }] }), {
      name: "SynthError",
      message:
        "effects: unknown region 'fornix' (regions: callosum, slf_left, slf_right, cst_left, cst_right)",
    });
  });
});

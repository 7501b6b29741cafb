import assert from "node:assert/strict";
import { splitBySlice, splitBySubject, type SplitMeta, subjectOverlap } from "../../lib/data/mod.ts";

/** 26 subjects (12 young, 14 old) x 8 acquisitions x 6 slices, as in the seed cohort (fewer slices). */
function cohort(): SplitMeta[] {
  const metas: SplitMeta[] = [];
  for (let s = 0; s < 26; s++) {
    for (let k = 0; k < 48; k++) {
      metas.push({ subject: `sub-${String(s).padStart(2, "0")}`, group: s < 12 ? "young" : "old" });
    }
  }
  return metas;
}

Deno.test("splits", async (t) => {
  const metas = cohort();
  const fractions = { train: 0.7, val: 0.15, test: 0.15 };

  await t.step("by subject: no subject on two sides, every sample once", () => {
    const split = splitBySubject(metas, { fractions, seed: 1 });
    assert.equal(split.leaky, false);
    assert.deepEqual(subjectOverlap(split), []);
    const sets = [split.train, split.val, split.test].map((ids) => new Set(ids.map((i) => metas[i].subject)));
    for (const a of sets) for (const b of sets) if (a !== b) { for (const s of a) assert.ok(!b.has(s)); }
    const all = [...split.train, ...split.val, ...split.test].sort((a, b) => a - b);
    assert.deepEqual(all, [...metas.keys()]);
  });

  await t.step("by subject: stratified counts per group", () => {
    const split = splitBySubject(metas, { fractions, seed: 1 });
    const count = (side: string[], g: string) =>
      side.filter((s) => metas.find((m) => m.subject === s)!.group === g).length;
    // young: 12 → 8.4/1.8/1.8 → 8/2/2; old: 14 → 9.8/2.1/2.1 → 10/2/2
    assert.deepEqual([
      count(split.subjects.train, "young"),
      count(split.subjects.val, "young"),
      count(split.subjects.test, "young"),
    ], [8, 2, 2]);
    assert.deepEqual([
      count(split.subjects.train, "old"),
      count(split.subjects.val, "old"),
      count(split.subjects.test, "old"),
    ], [10, 2, 2]);
  });

  await t.step("by subject: seeded, independent of sample order", () => {
    const a = splitBySubject(metas, { fractions, seed: 3 });
    assert.deepEqual(splitBySubject(metas, { fractions, seed: 3 }), a);
    assert.notDeepEqual(splitBySubject(metas, { fractions, seed: 4 }).subjects, a.subjects);
    const reversed = [...metas].reverse();
    assert.deepEqual(splitBySubject(reversed, { fractions, seed: 3 }).subjects, a.subjects);
  });

  await t.step("by slice: flagged leaky, and subjects do leak", () => {
    const split = splitBySlice(metas, { fractions, seed: 1 });
    assert.equal(split.leaky, true);
    assert.ok(subjectOverlap(split).length > 20);
    assert.equal(split.train.length + split.val.length + split.test.length, metas.length);
  });

  await t.step("errors name the problem", () => {
    assert.throws(() => splitBySubject(metas, { fractions: { train: 0.5, val: 0.2 } }), {
      name: "SplitError",
      message: 'splitBySubject: fractions must be ≥ 0 and sum to 1, got {"train":0.5,"val":0.2}',
    });
    assert.throws(() => splitBySubject([{ group: "a" }]), {
      name: "SplitError",
      message: "splitBySubject: sample 0 has no subject",
    });
    assert.throws(() => splitBySubject([{ subject: 1, group: "a" }, { subject: 1, group: "b" }]), {
      name: "SplitError",
      message: 'splitBySubject: subject 1 is in groups "a" and "b" (sample 1)',
    });
  });
});

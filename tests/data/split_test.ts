import assert from "node:assert/strict";
import {
  splitByFold,
  splitBySlice,
  splitBySubject,
  type SplitMeta,
  subjectFolds,
  subjectOverlap,
} from "../../lib/data/mod.ts";

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

  await t.step("by subject: seed 0's split as before k-fold existed (earlier runs' splits unchanged)", () => {
    // The subjects of splitBySubject before commit 2445c76 factored out its strata (checked equal then).
    assert.deepEqual(splitBySubject(metas, { seed: 0 }).subjects, {
      train: [
        ...["sub-00", "sub-02", "sub-03", "sub-04", "sub-05", "sub-06", "sub-07", "sub-08", "sub-12"],
        ...["sub-13", "sub-16", "sub-17", "sub-19", "sub-20", "sub-21", "sub-23", "sub-24", "sub-25"],
      ],
      val: ["sub-01", "sub-09", "sub-18", "sub-22"],
      test: ["sub-10", "sub-11", "sub-14", "sub-15"],
    });
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

Deno.test("k-fold over subjects", async (t) => {
  const metas = cohort();
  const groupOf = (s: string) => metas.find((m) => m.subject === s)!.group;
  const all = [...new Set(metas.map((m) => String(m.subject)))].sort();

  await t.step("the folds are disjoint and cover every subject exactly once", () => {
    for (const k of [2, 3, 6, 26]) {
      const folds = subjectFolds(metas, { folds: k, seed: 0 });
      assert.equal(folds.length, k);
      assert.deepEqual(folds.flat().sort(), all, `k = ${k}`);
      const sizes = folds.map((f) => f.length);
      assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `k = ${k}: sizes ${sizes}`);
    }
  });

  await t.step("stratified: each fold holds ⌊n_g/k⌋ or ⌈n_g/k⌉ of each group", () => {
    const folds = subjectFolds(metas, { folds: 6, seed: 0 });
    // 14 old dealt first (sorted groups), then 12 young continuing the deal: 5, 5, 4, 4, 4, 4.
    assert.deepEqual(folds.map((f) => f.length), [5, 5, 4, 4, 4, 4]);
    assert.deepEqual(folds.map((f) => f.filter((s) => groupOf(s) === "old").length), [3, 3, 2, 2, 2, 2]);
    assert.deepEqual(folds.map((f) => f.filter((s) => groupOf(s) === "young").length), [2, 2, 2, 2, 2, 2]);
  });

  await t.step("deterministic per seed, independent of sample order; another seed another partition", () => {
    const a = subjectFolds(metas, { folds: 6, seed: 0 });
    assert.deepEqual(subjectFolds(metas, { folds: 6, seed: 0 }), a);
    assert.deepEqual(subjectFolds([...metas].reverse(), { folds: 6, seed: 0 }), a);
    assert.notDeepEqual(subjectFolds(metas, { folds: 6, seed: 1 }), a);
    assert.deepEqual(
      splitByFold(metas, { folds: 6, fold: 2, seed: 0 }),
      splitByFold(metas, { folds: 6, fold: 2 }),
    );
  });

  await t.step(
    "each fold: test = its subjects, validation ⊂ the others as the plain split takes, no overlap",
    () => {
      const folds = subjectFolds(metas, { folds: 6, seed: 0 });
      const plain = splitBySubject(metas, { seed: 0 });
      const count = (side: string[], g: string) => side.filter((s) => groupOf(s) === g).length;
      for (let fold = 0; fold < 6; fold++) {
        const split = splitByFold(metas, { folds: 6, fold, seed: 0 });
        assert.equal(split.leaky, false);
        assert.deepEqual(subjectOverlap(split), []);
        assert.deepEqual(split.subjects.test, folds[fold]);
        for (const s of split.subjects.val) assert.ok(!folds[fold].includes(s));
        // As many validation subjects per group as the plain split: 2 young, 2 old.
        for (const g of ["young", "old"]) {
          assert.equal(
            count(split.subjects.val, g),
            count(plain.subjects.val, g),
          );
        }
        assert.equal(split.subjects.train.length, 26 - folds[fold].length - 4);
        const indices = [...split.train, ...split.val, ...split.test].sort((a, b) => a - b);
        assert.deepEqual(indices, [...metas.keys()]);
      }
    },
  );

  await t.step("errors name the problem", () => {
    assert.throws(() => subjectFolds(metas, { folds: 1 }), {
      name: "SplitError",
      message: "subjectFolds: folds must be an integer from 2 to the 26 subjects, got 1",
    });
    assert.throws(() => subjectFolds(metas, { folds: 27 }), {
      name: "SplitError",
      message: "subjectFolds: folds must be an integer from 2 to the 26 subjects, got 27",
    });
    assert.throws(() => splitByFold(metas, { folds: 6, fold: 6 }), {
      name: "SplitError",
      message: "splitByFold: fold must be an integer from 0 to 5, got 6",
    });
    // 2 subjects per group, 2 folds: the other fold's one subject of a group is its validation subject.
    const tiny = metas.filter((m) => ["sub-00", "sub-01", "sub-12", "sub-13"].includes(String(m.subject)));
    assert.throws(() => splitByFold(tiny, { folds: 2, fold: 0, fractions: { train: 0.5, val: 0.5 } }), {
      name: "SplitError",
      message:
        /splitByFold: group "old" has 1 subject\(s\) outside fold 0, too few for 1 validation and at least one training subject/,
    });
  });
});

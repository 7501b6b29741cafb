import assert from "node:assert/strict";
import {
  subjectAuc,
  subjectMeans,
  subjectVotes,
  thresholdCalls,
  validationThreshold,
} from "../../lib/study/_cell_scoring.ts";

// Three slices per subject; class-1 probabilities (rows of [p0, p1]).
const samples = [
  ...["y1", "y1", "y1", "y2", "y2", "y2"].map((subject) => ({ subject, label: 0 })),
  ...["o1", "o1", "o1", "o2", "o2", "o2"].map((subject) => ({ subject, label: 1 })),
];
const p1 = [0.1, 0.2, 0.3, 0.35, 0.4, 0.45, 0.42, 0.44, 0.46, 0.9, 0.8, 0.7];
const probabilities = p1.flatMap((p) => [1 - p, p]);
const indices = samples.map((_, i) => i);

Deno.test("subjectAuc: the subjects ranked by mean probability, where the 0.5 vote misses one", () => {
  // Means: y1 0.2, y2 0.4, o1 0.44, o2 0.8: every old subject above every young one.
  assert.equal(subjectAuc(subjectMeans(samples, indices, probabilities)), 1);
  const votes = subjectVotes(samples, indices, p1.map((p) => (p >= 0.5 ? 1 : 0)), 2);
  assert.deepEqual(votes.wrongIds, ["o1"]);
  // o1 below y2: one of the four (old, young) pairs out of order.
  const swapped = p1.map((p, i) => (i >= 6 && i < 9 ? 0.3 : p));
  assert.equal(subjectAuc(subjectMeans(samples, indices, swapped.flatMap((p) => [1 - p, p]))), 0.75);
  // One class only: no AUC.
  assert.equal(subjectAuc(subjectMeans(samples, indices.slice(0, 6), probabilities)), null);
});

Deno.test("validationThreshold: the midpoint that gets most validation subjects right; thresholdCalls", () => {
  // Young means 0.55 and 0.6 sit above 0.5 (a net shifted toward class 1); 0.7 separates them from 0.8, 0.9.
  const val = [
    { label: 0, mean: 0.55 },
    { label: 0, mean: 0.6 },
    { label: 1, mean: 0.8 },
    { label: 1, mean: 0.9 },
  ];
  assert.equal(validationThreshold(val), 0.7);
  const test = new Map([
    ["y", { label: 0, mean: 0.65 }],
    ["o", { label: 1, mean: 0.75 }],
    ["late", { label: 1, mean: 0.52 }],
  ]);
  assert.deepEqual(thresholdCalls(test, 0.7), {
    subjects: 3,
    right: 2,
    rightIds: ["o", "y"],
    wrongIds: ["late"],
  });
  // The 0.5 vote would call y old: the threshold is what corrects it.
  assert.deepEqual(thresholdCalls(test, 0.5).wrongIds, ["y"]);
  // Ties: of the best midpoints, the one nearest 0.5 (0.35 and 0.7 each get 3 of 4 here, 0.45 gets 2).
  const tied = [
    { label: 1, mean: 0.4 },
    { label: 0, mean: 0.3 },
    { label: 1, mean: 0.9 },
    { label: 0, mean: 0.5 },
  ];
  assert.ok(Math.abs(validationThreshold(tied) - 0.35) < 1e-12);
  // One class, or one distinct mean: 0.5.
  assert.equal(validationThreshold([{ label: 1, mean: 0.2 }, { label: 1, mean: 0.9 }]), 0.5);
  assert.equal(validationThreshold([{ label: 0, mean: 0.3 }, { label: 1, mean: 0.3 }]), 0.5);
  // subjectMeans: the mean class-1 probability of each subject's slices.
  const y2 = subjectMeans(samples, indices, probabilities).get("y2")!;
  assert.equal(y2.label, 0);
  assert.ok(Math.abs(y2.mean - 0.4) < 1e-12);
});

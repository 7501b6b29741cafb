import assert from "node:assert/strict";
import {
  rowCalls,
  subjectAuc,
  subjectMeans,
  subjectRows,
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

Deno.test("subjectRows: per subject and part, the vote and the threshold calls with their scores", () => {
  const predictions = p1.map((p) => (p >= 0.5 ? 1 : 0));
  const rows = subjectRows(samples, [
    {
      part: "test",
      indices: indices.slice(6),
      predictions: predictions.slice(6),
      probabilities: probabilities.slice(12),
    },
    {
      part: "val",
      indices: indices.slice(0, 6),
      predictions: predictions.slice(0, 6),
      probabilities: probabilities.slice(0, 12),
    },
  ], { numClasses: 2, groups: ["young", "old"], threshold: 0.42 });
  assert.deepEqual(rows.map((r) => `${r.part} ${r.subject}`), ["test o1", "test o2", "val y1", "val y2"]);
  const [o1, o2, y1, y2] = rows;
  // o1: slices 0.42, 0.44, 0.46 all below 0.5: the vote says young (wrong); mean 0.44 ≥ 0.42 says old (right).
  assert.deepEqual([o1.group, o1.label, o1.slices, o1.vote_share, o1.call_vote, o1.right_vote], [
    "old",
    1,
    3,
    0,
    0,
    false,
  ]);
  assert.ok(Math.abs(Number(o1.mean_probability) - 0.44) < 1e-12);
  assert.deepEqual([o1.subject_threshold, o1.call_threshold, o1.right_threshold], [0.42, 1, true]);
  assert.deepEqual([o2.vote_share, o2.right_vote, o2.call_threshold, o2.right_threshold], [1, true, 1, true]);
  // y2: mean 0.40 < 0.42: young under both rules.
  assert.deepEqual([y1.right_vote, y2.right_vote, y2.call_threshold, y2.right_threshold], [
    true,
    true,
    0,
    true,
  ]);
  // One rule's calls over the test rows: the vote misses o1, the threshold gets both.
  const test = rows.filter((r) => r.part === "test");
  assert.deepEqual(rowCalls(test, "vote"), { subjects: 2, right: 1, rightIds: ["o2"], wrongIds: ["o1"] });
  assert.deepEqual(rowCalls(test, "validation-threshold").rightIds, ["o1", "o2"]);
  // The vote agrees with subjectVotes on the same slices.
  const all = subjectRows(samples, [{ part: "test", indices, predictions, probabilities }], {
    numClasses: 2,
  });
  assert.deepEqual(rowCalls(all, "vote"), subjectVotes(samples, indices, predictions, 2));
  // Without a threshold (no validation subjects) the threshold columns are null; more than two classes: no mean.
  const bare = subjectRows(samples, [{ part: "test", indices, predictions, probabilities }], {
    numClasses: 2,
  });
  assert.ok(bare.every((r) => r.call_threshold === null && r.right_threshold === null && r.group === null));
  const three = subjectRows(
    samples,
    [{ part: "test", indices, predictions, probabilities: p1.flatMap((p) => [1 - p, p / 2, p / 2]) }],
    { numClasses: 3, threshold: 0.5 },
  );
  assert.ok(three.every((r) => r.mean_probability === null && r.call_threshold === null));
});

import assert from "node:assert/strict";
import { subjectAuc, subjectVotes } from "../../lib/study/_cell_scoring.ts";

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
  assert.equal(subjectAuc(samples, indices, probabilities), 1);
  const votes = subjectVotes(samples, indices, p1.map((p) => (p >= 0.5 ? 1 : 0)), 2);
  assert.deepEqual(votes.wrongIds, ["o1"]);
  // o1 below y2: one of the four (old, young) pairs out of order.
  const swapped = p1.map((p, i) => (i >= 6 && i < 9 ? 0.3 : p));
  assert.equal(subjectAuc(samples, indices, swapped.flatMap((p) => [1 - p, p])), 0.75);
  // One class only: no AUC.
  assert.equal(subjectAuc(samples, indices.slice(0, 6), probabilities), null);
});

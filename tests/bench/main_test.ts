import assert from "node:assert/strict";
import { type Measurement, pairKey, parseMeasurements, ratioRows } from "../../bench/main.ts";

const m = (tool: string, value: number, round?: number, file = "a.nii.gz"): Measurement => ({
  workload: "W1",
  tool,
  file,
  value,
  unit: "MB/s",
  ...(round ? { round } : {}),
});

Deno.test("bench harness: measurement lines, pairing and ratios", async (t) => {
  await t.step("JSON measurement lines are kept, anything else printed is ignored", () => {
    const text = ["[bench] note", JSON.stringify(m("ours", 1)), "{not json", '{"workload": "W1"}', ""].join(
      "\n",
    );
    assert.deepEqual(parseMeasurements(text), [m("ours", 1)]);
  });
  await t.step("pairs agree on workload, unit and the distinguishing field", () => {
    assert.equal(pairKey(m("ours", 1)), pairKey(m("peer", 2)));
    assert.notEqual(pairKey(m("ours", 1)), pairKey(m("ours", 1, undefined, "b.nii.gz")));
  });
  await t.step("one round: the plain ratio", () => {
    const [row] = ratioRows([m("ours", 300)], [m("peer", 200)]);
    assert.match(row, /300\.0 {2}vs peer\s+200\.0 MB\/s {2}ratio 1\.50x$/);
  });
  await t.step("rounds: medians of each side, median and range of the per-round ratios", () => {
    // ratios per round 1.5, 3.0, 0.5 → median 1.5; values' medians 300 and 200
    const ours = [m("ours", 300, 1), m("ours", 600, 2), m("ours", 100, 3)];
    const peers = [m("peer", 200, 1), m("peer", 200, 2), m("peer", 200, 3)];
    const [row] = ratioRows(ours, peers);
    assert.match(row, /300\.0 {2}vs peer\s+200\.0 MB\/s {2}ratio 1\.50x \(0\.50–3\.00, 3 rounds\)$/);
  });
  await t.step("a measurement without its peer gives no row", () => {
    assert.deepEqual(ratioRows([m("ours", 1, undefined, "c.nii.gz")], [m("peer", 1)]), []);
  });
});

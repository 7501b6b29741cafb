import assert from "node:assert/strict";
import {
  cpuModel,
  type Measurement,
  pairKey,
  parseMeasurements,
  ratioRows,
  withMachine,
  withPeerGflops,
} from "../../bench/main.ts";
import { convMacs, PAPER_WORKLOADS, trainMacs } from "../../bench/paper_bench.ts";

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
  await t.step("seconds (W8): the ratio is peer time / ours, one row per peer, peak memory beside", () => {
    const s = (tool: string, value: number, peak: number): Measurement => ({
      workload: "W8",
      tool,
      value,
      unit: "s per subject",
      peak_rss_mb: peak,
    });
    const rows = ratioRows([s("ours", 2, 400)], [s("mrtrix", 5, 750), s("dipy", 30, 2200)]);
    assert.equal(rows.length, 2);
    assert.match(rows[0], /vs mrtrix .* ratio 2\.50x \(peer time \/ ours\); peak RSS 400 MB vs 750 MB$/);
    assert.match(rows[1], /vs dipy .* ratio 15\.00x \(peer time \/ ours\); peak RSS 400 MB vs 2200 MB$/);
  });
});

Deno.test("bench harness: the machine on every line, GFLOP/s for the paper workloads' peers", async (t) => {
  const ours: Measurement = {
    workload: "W6",
    tool: "cam-dmri wasm+dnnl+blas",
    model: "googlenet-gap",
    size: 224,
    batch: 32,
    value: 4,
    unit: "train samples/s",
    gflops: 68.9,
    gflopPerSample: 17.226,
    cpu: "AMD EPYC",
  };
  // What ../shared/bench/ref_torch_paper.py prints: no cpu, no GFLOP/s.
  const peer: Measurement = {
    workload: "W6",
    tool: "torch 1.13.1",
    model: "googlenet-gap",
    size: 224,
    batch: 32,
    threads: 2,
    value: 8,
    unit: "train samples/s",
  };
  await t.step("cpu and loadavg are added where a script printed none, kept where it did", () => {
    assert.deepEqual(withMachine(peer, "Some CPU", 1.5), { ...peer, cpu: "Some CPU", loadavg: 1.5 });
    assert.equal(withMachine(ours, "Some CPU", 1.5).cpu, "AMD EPYC");
    assert.equal(typeof cpuModel(), "string");
    assert.ok(cpuModel().length > 0);
  });
  await t.step(
    "the peer's line pairs with ours (workload, unit, size) and gets GFLOP/s from our work per sample",
    () => {
      assert.equal(pairKey(ours), pairKey(peer));
      assert.equal(withPeerGflops(peer, [ours]).gflops, 137.8); // 8 samples/s x 17.226 GFLOP
      assert.equal(withPeerGflops({ ...peer, gflops: 1 }, [ours]).gflops, 1);
      assert.equal(withPeerGflops({ ...peer, unit: "forward+CAM images/s" }, [ours]).gflops, undefined);
    },
  );
  await t.step("ratio rows say the GFLOP/s of both when both have them", () => {
    const [row] = ratioRows([ours], [withPeerGflops(peer, [ours])]);
    assert.match(row, /ratio 0\.50x; GFLOP\/s 68\.9 vs 137\.8$/);
  });
});

Deno.test("paper bench: multiply-adds from the layer shapes", () => {
  // VGG16 through conv5_3 (15.35 G multiply-adds for RGB 224 px), the CAM conv 3x3 512 → 1024 at 14x14, dense
  const vgg = convMacs("vgg16-gap", { inputShape: [224, 224, 3], numClasses: 1000 });
  const camConv = 14 * 14 * 9 * 512 * 1024;
  assert.equal(vgg.forward, 15_346_630_656 + camConv + 1024 * 1000);
  assert.equal(vgg.firstConv, 224 * 224 * 9 * 3 * 64);
  assert.equal(trainMacs(vgg), 3 * vgg.forward - vgg.firstConv);
  // GoogLeNet-GAP at W6's size: conv1 7x7 on 1 channel at 112x112, then up to inception4e and the CAM conv
  const g = convMacs("googlenet-gap", { inputShape: [224, 224, 1], numClasses: 2 });
  assert.equal(g.firstConv, 112 * 112 * 49 * 1 * 64);
  assert.equal(g.dense, 1024 * 2);
  assert.ok(g.forward > 2.8e9 && g.forward < 2.95e9, `${g.forward}`);
  assert.deepEqual(Object.keys(PAPER_WORKLOADS), ["googlenet", "vgg16"]);
  assert.deepEqual(
    [PAPER_WORKLOADS.googlenet.batch, PAPER_WORKLOADS.vgg16.batch],
    [32, 8],
    "WORKLOADS.md: W6 batch 32, W7 batch 8",
  );
});

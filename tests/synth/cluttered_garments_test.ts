import assert from "node:assert/strict";
import { needs } from "../_skip.ts";
import { FASHION_CLASSES, fashionMnistDir, loadClutteredGarments } from "../../lib/synth/mod.ts";

const dir = await fashionMnistDir();
const fashion = needs(dir != null, "Fashion-MNIST (apt-get install dataset-fashion-mnist)", { inCi: true });

Deno.test({
  name: "cluttered garments from Fashion-MNIST" + fashion.label,
  ignore: fashion.ignore,
  fn: async () => {
    const g = await loadClutteredGarments({ size: 32, counts: { train: 20, val: 5, test: 10 } });
    assert.equal(g.train.size, 20);
    assert.equal(g.numClasses, FASHION_CLASSES.length);
    const s = g.test.get(3);
    assert.equal(s.image.length, 32 * 32);
    assert.ok(s.label >= 0 && s.label < 10);
    const [x0, y0, x1, y1] = s.box;
    assert.ok(0 <= x0 && x0 <= x1 && x1 < 32 && 0 <= y0 && y0 <= y1 && y1 < 32);
  },
});

Deno.test("loadClutteredGarments names the missing folder", async () => {
  await assert.rejects(loadClutteredGarments({ dir: "/nonexistent/fashion" }), {
    name: "SynthError",
    message:
      "/nonexistent/fashion: no Fashion-MNIST IDX files; install Debian's dataset-fashion-mnist or set FASHION_MNIST_DIR",
  });
});

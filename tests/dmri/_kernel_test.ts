import assert from "node:assert/strict";
import { expKernel } from "../../lib/dmri/_kernel.ts";
import { autoFitWorkers } from "../../lib/dmri/mod.ts";
import { Rng } from "../../lib/rng.ts";

Deno.test("expKernel: Math.exp to 2e-15 relative, its edges exactly", () => {
  const rng = new Rng(18);
  let worst = 0;
  for (let i = 0; i < 200_000; i++) {
    const x = rng.uniform(-745, 710);
    const want = Math.exp(x);
    if (want === 0 || !Number.isFinite(want)) continue;
    worst = Math.max(worst, Math.abs(expKernel(x) - want) / want);
  }
  assert.ok(worst < 2e-15, `worst relative error ${worst}`);
  for (
    const x of [
      0,
      -0,
      1,
      -1,
      1e-300,
      699.99,
      -699.99,
      700,
      -700,
      709.7,
      710,
      -745,
      -746,
      NaN,
      Infinity,
      -Infinity,
    ]
  ) {
    const got = expKernel(x), want = Math.exp(x);
    if (Number.isNaN(want) || want === 0 || !Number.isFinite(want)) assert.ok(Object.is(got, want), `${x}`);
    else assert.ok(Math.abs(got - want) / want < 2e-15, `${x}: ${got} vs ${want}`);
  }
});

Deno.test("autoFitWorkers: one thread for a small fit or a busy machine, the idle cores otherwise", () => {
  assert.equal(autoFitWorkers(1e6, { cores: 2, load: 0 }), 1, "small");
  assert.equal(autoFitWorkers(1e8, { cores: 2, load: 0.3 }), 2, "idle");
  assert.equal(autoFitWorkers(1e8, { cores: 2, load: 1.2 }), 1, "one core busy");
  assert.equal(autoFitWorkers(1e8, { cores: 2, load: 16 }), 1, "loaded");
  assert.equal(autoFitWorkers(1e8, { cores: 16, load: 3.4 }), 13);
  assert.equal(autoFitWorkers(1e8, { cores: 1, load: 0 }), 1);
});

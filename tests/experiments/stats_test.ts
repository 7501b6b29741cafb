import assert from "node:assert/strict";
import {
  binomialCdf,
  clopperPearson,
  exactMcNemar,
  pairedSignFlipTest,
  StatsError,
} from "../../lib/experiments/mod.ts";
import { mulberry32 } from "../../lib/rng.ts";

const close = (a: number, b: number, tol = 1e-9) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

/** Σ_{i ≤ k} C(n, i) / 2^n with exact integer binomials (n ≤ 50 here). */
function halfCdf(k: number, n: number): number {
  let c = 1, sum = 0;
  for (let i = 0; i <= k; i++) {
    sum += c;
    c = (c * (n - i)) / (i + 1);
  }
  return sum / 2 ** n;
}

Deno.test("binomial CDF", async (t) => {
  await t.step("closed forms: P(X ≤ 0) = (1 − p)^n, P(X ≤ n − 1) = 1 − p^n, fair coin by counting", () => {
    for (const [n, p] of [[12, 0.3], [26, 0.9], [1, 0.5], [40, 0.01]]) {
      close(binomialCdf(0, n, { p }), (1 - p) ** n, 1e-12);
      close(binomialCdf(n - 1, n, { p }), 1 - p ** n, 1e-12);
    }
    for (const n of [5, 12, 26, 50]) {
      for (let k = 0; k <= n; k++) close(binomialCdf(k, n, { p: 0.5 }), halfCdf(k, n), 1e-12);
    }
    assert.equal(binomialCdf(-1, 5, { p: 0.5 }), 0);
    assert.equal(binomialCdf(5, 5, { p: 0.5 }), 1);
    assert.equal(binomialCdf(2, 5, { p: 0 }), 1);
    assert.equal(binomialCdf(2, 5, { p: 1 }), 0);
  });
});

Deno.test("Clopper–Pearson interval", async (t) => {
  await t.step("closed forms at the edges: x = 0 → (0, 1 − (α/2)^{1/n}), x = n → ((α/2)^{1/n}, 1)", () => {
    for (const n of [1, 4, 12, 26]) {
      const none = clopperPearson(0, n);
      assert.equal(none.low, 0);
      close(none.high, 1 - 0.025 ** (1 / n), 1e-12);
      const all = clopperPearson(n, n);
      close(all.low, 0.025 ** (1 / n), 1e-12);
      assert.equal(all.high, 1);
      close(clopperPearson(n, n, { level: 0.9 }).low, 0.05 ** (1 / n), 1e-12);
    }
  });

  await t.step("inside: the ends solve the binomial tails P(X ≥ x | low) = P(X ≤ x | high) = α/2", () => {
    for (const [x, n] of [[11, 12], [9, 12], [24, 26], [20, 26], [1, 2]]) {
      const { low, high } = clopperPearson(x, n);
      close(1 - binomialCdf(x - 1, n, { p: low }), 0.025, 1e-12);
      close(binomialCdf(x, n, { p: high }), 0.025, 1e-12);
      assert.ok(low < x / n && x / n < high);
    }
    // x = 1 of n = 2: P(X ≥ 1 | p) = 1 − (1 − p)² = α/2 and P(X ≤ 1 | p) = 1 − p² = α/2.
    const half = clopperPearson(1, 2);
    close(half.low, 1 - Math.sqrt(0.975), 1e-12);
    close(half.high, Math.sqrt(0.975), 1e-12);
  });

  await t.step(
    "the README's numbers (scipy.stats.binomtest(...).proportion_ci('exact'), scipy 1.10.1)",
    () => {
      const cases: [number, number, number, number][] = [
        [11, 12, 0.6152038348490562, 0.9978924067681384],
        [9, 12, 0.42814153812190026, 0.9451393554720076],
        [24, 26, 0.7486970833045691, 0.9905446089967489],
      ];
      for (const [x, n, low, high] of cases) {
        const ci = clopperPearson(x, n);
        close(ci.low, low, 1e-10);
        close(ci.high, high, 1e-10);
      }
    },
  );

  await t.step("bad input is a StatsError naming the function", () => {
    assert.throws(() => clopperPearson(5, 4), {
      name: "StatsError",
      message: "clopperPearson: expected integers 0 ≤ k ≤ n, got k = 5, n = 4",
    });
    assert.throws(() => clopperPearson(0, 0), {
      name: "StatsError",
      message: "clopperPearson: no trials (n = 0)",
    });
    assert.throws(() => clopperPearson(1, 2, { level: 1 }), StatsError);
  });
});

Deno.test("exact McNemar test", async (t) => {
  await t.step("closed form: 2 Σ_{i ≤ min(b,c)} C(b+c, i) / 2^{b+c}, capped at 1", () => {
    assert.equal(exactMcNemar(0, 0), 1);
    close(exactMcNemar(0, 5), 2 / 32, 1e-15); // 0.0625
    close(exactMcNemar(1, 9), 2 * 11 / 1024, 1e-15); // 0.021484375
    close(exactMcNemar(9, 1), exactMcNemar(1, 9), 1e-15);
    close(exactMcNemar(3, 0), 0.25, 1e-15);
    assert.equal(exactMcNemar(4, 4), 1);
    for (let b = 0; b <= 20; b++) {
      for (let c = 0; c <= 20; c++) {
        if (b + c === 0) continue;
        close(exactMcNemar(b, c), Math.min(1, 2 * halfCdf(Math.min(b, c), b + c)), 1e-12);
      }
    }
  });

  await t.step("bad counts are StatsErrors", () => {
    assert.throws(() => exactMcNemar(-1, 2), StatsError);
    assert.throws(() => exactMcNemar(1.5, 2), StatsError);
  });
});

/** The sign-flip p of the shifted differences d − δ by brute force: every mask of every sign, no Gray code. */
function bruteSignFlip(d: number[], delta = 0): number {
  const x = d.map((v) => v - delta);
  const t = Math.abs(x.reduce((a, b) => a + b, 0)) - 1e-9 * x.reduce((a, b) => a + Math.abs(b), 0);
  let hits = 0;
  for (let mask = 0; mask < 2 ** x.length; mask++) {
    let sum = 0;
    for (let i = 0; i < x.length; i++) sum += (mask >> i) & 1 ? -x[i] : x[i];
    if (Math.abs(sum) >= t) hits++;
  }
  return hits / 2 ** x.length;
}

Deno.test("paired sign-flip test", async (t) => {
  await t.step("differences of one size: the exact sign test, i.e. exact McNemar on the signs", () => {
    for (const [up, down] of [[5, 0], [9, 1], [7, 3], [4, 4], [0, 6], [12, 2]]) {
      const d = [...Array(up).fill(0.25), ...Array(down).fill(-0.25)];
      const r = pairedSignFlipTest(d);
      close(r.p, exactMcNemar(up, down), 1e-12);
      assert.equal(r.exact, true);
    }
    assert.equal(pairedSignFlipTest([0.1, 0.2, 0.05, 0.3, 0.15]).p, 2 / 32);
  });

  await t.step("real differences: equal to enumerating every sign pattern by brute force", () => {
    const rand = mulberry32(7);
    for (const n of [1, 3, 8, 12]) {
      const d = Array.from({ length: n }, () => rand() - 0.35);
      close(pairedSignFlipTest(d).p, bruteSignFlip(d), 1e-12);
    }
  });

  await t.step("zeros change no sum: the same p, while n and the mean count them", () => {
    const d = [0.3, -0.1, 0.2, 0.15, 0.05, -0.02];
    const r = pairedSignFlipTest(d), z = pairedSignFlipTest([...d, 0, 0, 0]);
    close(z.p, r.p, 1e-12);
    assert.equal(z.n, 9);
    close(z.mean, d.reduce((a, b) => a + b, 0) / 9, 1e-15);
    const none = { mean: 0, p: 1, low: 0, high: 0, level: 0.95, exact: true };
    assert.deepEqual(pairedSignFlipTest([0, 0]), { n: 2, ...none });
    assert.deepEqual(pairedSignFlipTest([]), { n: 0, ...none });
  });

  await t.step("invariant to the sign and the scale of the differences; the interval moves with them", () => {
    const d = [0.3, -0.1, 0.2, 0.15, 0.05, -0.02, 0.11];
    const r = pairedSignFlipTest(d);
    close(pairedSignFlipTest(d.map((v) => -v)).p, r.p, 1e-12);
    const scaled = pairedSignFlipTest(d.map((v) => 1000 * v));
    close(scaled.p, r.p, 1e-12);
    close(scaled.low, 1000 * r.low, 1e-9), close(scaled.high, 1000 * r.high, 1e-9);
    const shifted = pairedSignFlipTest(d.map((v) => v + 0.5));
    close(shifted.low, r.low + 0.5, 1e-12), close(shifted.high, r.high + 0.5, 1e-12);
    const flipped = pairedSignFlipTest(d.map((v) => -v));
    close(flipped.low, -r.high, 1e-12), close(flipped.high, -r.low, 1e-12);
  });

  await t.step(
    "the interval inverts the test: its ends are where the brute-force p of d − δ crosses α",
    () => {
      const rand = mulberry32(5);
      for (const n of [7, 9, 11]) {
        const d = Array.from({ length: n }, () => rand() - 0.3);
        for (const level of [0.95, 0.8]) {
          const r = pairedSignFlipTest(d, { level });
          const alpha = 1 - level, eps = 1e-7;
          assert.ok(r.low < r.mean && r.mean < r.high);
          assert.ok(bruteSignFlip(d, r.high - eps) > alpha, `n ${n}: inside the upper end`);
          assert.ok(bruteSignFlip(d, r.high + eps) <= alpha, `n ${n}: outside the upper end`);
          assert.ok(bruteSignFlip(d, r.low + eps) > alpha, `n ${n}: inside the lower end`);
          assert.ok(bruteSignFlip(d, r.low - eps) <= alpha, `n ${n}: outside the lower end`);
        }
      }
    },
  );

  await t.step("0 lies inside the interval exactly when p > 1 − level, exact and Monte Carlo", () => {
    const rand = mulberry32(9);
    let inside = 0, outside = 0;
    for (let trial = 0; trial < 60; trial++) {
      const n = trial % 2 ? 14 : 40;
      const shift = (trial % 5) * 0.03;
      const d = Array.from({ length: n }, () => rand() - 0.5 + shift);
      const r = pairedSignFlipTest(d, { resamples: 5000, seed: trial });
      assert.equal(r.exact, n <= 20);
      const holdsZero = r.low <= 0 && 0 <= r.high;
      assert.equal(holdsZero, r.p > 0.05, `trial ${trial}: p ${r.p}, [${r.low}, ${r.high}]`);
      holdsZero ? inside++ : outside++;
    }
    assert.ok(inside > 5 && outside > 5, `both outcomes tested (${inside} inside, ${outside} outside)`);
  });

  await t.step("too few pairs to reject any shift: an infinite interval; all equal: that value", () => {
    const five = pairedSignFlipTest([0.1, 0.2, 0.05, 0.3, 0.15]);
    assert.deepEqual([five.low, five.high], [-Infinity, Infinity]);
    const one = pairedSignFlipTest([0.4]);
    assert.deepEqual([one.p, one.low, one.high], [1, -Infinity, Infinity]);
    // 8 equal differences: p of any other shift is 2 / 256, so only 0.3 itself is kept.
    const equal = pairedSignFlipTest(Array(8).fill(0.3));
    close(equal.low, 0.3, 1e-15), close(equal.high, 0.3, 1e-15);
  });

  await t.step("Monte Carlo: within 4 standard errors of the exact p, never 0, the same for a seed", () => {
    const rand = mulberry32(3);
    const d = Array.from({ length: 16 }, () => rand() - 0.3);
    const exact = pairedSignFlipTest(d);
    const mc = pairedSignFlipTest(d, { exactUpTo: 0, resamples: 40_000, seed: 1 });
    assert.equal(mc.exact, false);
    const se = (p: number, r: number) => 4 * Math.sqrt(p * (1 - p) / r) + 1e-4;
    assert.ok(Math.abs(mc.p - exact.p) <= se(exact.p, 40_000), `${mc.p} vs ${exact.p}`);
    assert.ok(Math.abs(mc.high - exact.high) < 0.02 && Math.abs(mc.low - exact.low) < 0.02);
    assert.deepEqual(pairedSignFlipTest(d, { exactUpTo: 0, resamples: 40_000, seed: 1 }), mc);
    // More than 32 pairs: the signs past the first draw's 32 bits are drawn again (27 up, 13 down: the sign test).
    const signs = [...Array(27).fill(1), ...Array(13).fill(-1)];
    const many = pairedSignFlipTest(signs, { resamples: 40_000, seed: 4 });
    const target = exactMcNemar(27, 13);
    assert.ok(Math.abs(many.p - target) <= se(target, 40_000), `${many.p} vs ${target}`);
    const far = pairedSignFlipTest(Array(40).fill(1), { resamples: 999 });
    close(far.p, 1 / 1000, 1e-15);
  });

  await t.step("typed errors naming the function and the problem", () => {
    assert.throws(() => pairedSignFlipTest([0.1, NaN]), {
      name: "StatsError",
      message: /difference 1 is NaN/,
    });
    assert.throws(
      () => pairedSignFlipTest([0.1], { exactUpTo: 23 }),
      /exactUpTo must be an integer in 0\.\.22/,
    );
    assert.throws(() => pairedSignFlipTest([0.1], { resamples: 0 }), /resamples must be a positive integer/);
    assert.throws(() => pairedSignFlipTest([0.1], { level: 1 }), /level must be in \(0, 1\)/);
    assert.throws(() => pairedSignFlipTest([0.1], { level: 1 }), StatsError);
  });
});

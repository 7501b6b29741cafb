import assert from "node:assert/strict";
import { binomialCdf, clopperPearson, exactMcNemar, StatsError } from "../../lib/experiments/mod.ts";

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

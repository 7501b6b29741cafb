/**
 * Exact small-sample statistics for comparing runs on few subjects: the binomial distribution, the
 * Clopper–Pearson interval of a proportion and the exact McNemar (sign) test of two classifiers scored on the
 * same subjects. Sums run in float64 over log terms, exact to ~1e-12 for n up to tens of thousands; the
 * interval's ends are found by bisection on the binomial tails.
 *
 * @example
 * clopperPearson(24, 26);  // { low: 0.7487, high: 0.9905 }
 * exactMcNemar(1, 9);      // 0.0215: 1 subject only net A got right, 9 only net B
 *
 * @module
 */
import { CamDmriError } from "../errors.ts";

/** Arguments no binomial quantity is defined for; the message names the function and the values. */
export class StatsError extends CamDmriError {
  constructor(where: string, reason: string) {
    super(where, reason);
    this.name = "StatsError";
  }
}

function checkCount(where: string, k: number, n: number): void {
  if (!Number.isInteger(n) || n < 0 || !Number.isInteger(k) || k < 0 || k > n) {
    throw new StatsError(where, `expected integers 0 ≤ k ≤ n, got k = ${k}, n = ${n}`);
  }
}

/** log C(n, i) for i = 0..n, by the recurrence log C(n, i+1) = log C(n, i) + log(n − i) − log(i + 1). */
function logChoose(n: number): Float64Array {
  const out = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) out[i + 1] = out[i] + Math.log(n - i) - Math.log(i + 1);
  return out;
}

/** Options of {@linkcode binomialCdf}. */
export interface BinomialOptions {
  /** Success probability of one trial. @default 0.5 (the sign test's) */
  p?: number;
}

/**
 * Binomial CDF P(X ≤ k) for X ~ Bin(n, p): Σ_{i=0}^{k} C(n, i) p^i (1 − p)^{n−i}.
 *
 * @example
 * binomialCdf(3, 12, { p: 0.3 }); // 0.49252
 */
export function binomialCdf(k: number, n: number, options: BinomialOptions = {}): number {
  const { p = 0.5 } = options;
  checkCount("binomialCdf", Math.max(0, Math.min(k, n)), n);
  if (!(p >= 0 && p <= 1)) throw new StatsError("binomialCdf", `p must be in [0, 1], got ${p}`);
  if (k < 0) return 0;
  if (k >= n) return 1;
  if (p === 0) return 1;
  if (p === 1) return 0;
  const c = logChoose(n), lp = Math.log(p), lq = Math.log1p(-p);
  let sum = 0;
  for (let i = 0; i <= k; i++) sum += Math.exp(c[i] + i * lp + (n - i) * lq);
  return Math.min(1, sum);
}

/** Options of {@linkcode clopperPearson}. */
export interface IntervalOptions {
  /** Coverage of the interval. @default 0.95 */
  level?: number;
}

/** A two-sided confidence interval. */
export interface Interval {
  low: number;
  high: number;
}

/** The p in [0, 1] where the decreasing function f(p) crosses `target`, by 200 bisections. */
function solve(f: (p: number) => number, target: number): number {
  let lo = 0, hi = 1;
  for (let i = 0; i < 200 && hi - lo > 1e-15; i++) {
    const mid = (lo + hi) / 2;
    if (f(mid) > target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * Clopper–Pearson ("exact") interval of a proportion x / n: with α = 1 − level, the low end solves
 * P(X ≥ x | p) = α/2 (0 when x = 0) and the high end P(X ≤ x | p) = α/2 (1 when x = n), X ~ Bin(n, p); i.e.
 * the α/2 quantile of Beta(x, n − x + 1) and the 1 − α/2 quantile of Beta(x + 1, n − x). Closed forms at the
 * edges: x = 0 gives high = 1 − (α/2)^{1/n}, x = n gives low = (α/2)^{1/n}.
 *
 * @throws {StatsError} unless 0 ≤ x ≤ n are integers, n ≥ 1 and 0 < level < 1.
 *
 * @example
 * clopperPearson(9, 12); // { low: 0.4281, high: 0.9451 }
 */
export function clopperPearson(x: number, n: number, options: IntervalOptions = {}): Interval {
  const { level = 0.95 } = options;
  checkCount("clopperPearson", x, n);
  if (n === 0) throw new StatsError("clopperPearson", "no trials (n = 0)");
  if (!(level > 0 && level < 1)) {
    throw new StatsError("clopperPearson", `level must be in (0, 1), got ${level}`);
  }
  const tail = (1 - level) / 2;
  // P(X ≥ x | p) increases with p; P(X ≤ x | p) decreases.
  const low = x === 0 ? 0 : solve((p) => -(1 - binomialCdf(x - 1, n, { p })), -tail);
  const high = x === n ? 1 : solve((p) => binomialCdf(x, n, { p }), tail);
  return { low, high };
}

/**
 * Exact McNemar test (the sign test on the discordant pairs) of two classifiers scored on the same subjects:
 * `onlyA` subjects only the first got right, `onlyB` only the second. Under H0 (equal accuracy) each
 * discordant subject falls either way with probability 1/2, so the two-sided p-value is
 * min(1, 2 · P(X ≤ min(b, c))) with X ~ Bin(b + c, 1/2), i.e. 2 Σ_{i ≤ min(b,c)} C(b+c, i) / 2^{b+c}; 1 when
 * there is no discordant subject. Concordant subjects (both right, both wrong) carry no information on the
 * difference.
 *
 * @throws {StatsError} unless both counts are integers ≥ 0.
 *
 * @example
 * exactMcNemar(0, 5); // 0.0625 = 2 / 2^5
 */
export function exactMcNemar(onlyA: number, onlyB: number): number {
  checkCount("exactMcNemar", onlyA, onlyA + onlyB);
  checkCount("exactMcNemar", onlyB, onlyA + onlyB);
  const m = onlyA + onlyB;
  if (m === 0) return 1;
  return Math.min(1, 2 * binomialCdf(Math.min(onlyA, onlyB), m));
}

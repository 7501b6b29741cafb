/**
 * Small-sample statistics for comparing runs on few subjects: the binomial distribution, the Clopper–Pearson
 * interval of a proportion, the exact McNemar (sign) test of two classifiers scored on the same subjects, and
 * the paired sign-flip test of two nets' per-subject scores with the interval it inverts to. Binomial sums run
 * in float64 over log terms, exact to ~1e-12 for n up to tens of thousands; the Clopper–Pearson ends are found
 * by bisection on the binomial tails.
 *
 * @example
 * clopperPearson(24, 26);  // { low: 0.7487, high: 0.9905 }
 * exactMcNemar(1, 9);      // 0.0215: 1 subject only net A got right, 9 only net B
 * pairedSignFlipTest([0.1, 0.2, 0.05, 0.3, 0.15]).p;  // 0.0625 = 2 / 2^5: all five subjects one way
 *
 * @module
 */
import { CamDmriError } from "../errors.ts";
import { mulberry32 } from "../rng.ts";

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

/** Options of {@linkcode pairedSignFlipTest}. */
export interface SignFlipOptions {
  /** Enumerate all 2^n sign patterns when n (the differences, zeros included) is at most this. @default 20 */
  exactUpTo?: number;
  /** Random sign patterns drawn above `exactUpTo`. @default 100000 */
  resamples?: number;
  /** Seed of those draws (lib's mulberry32), so a result is the same on every run. @default 0 */
  seed?: number;
  /** Coverage of the interval of the shift (the test inverted). @default 0.95 */
  level?: number;
}

/** A paired sign-flip test's result. */
export interface PairedTest {
  /** Pairs given (zero differences included). */
  n: number;
  /** Mean difference (1/n) Σ d_i. */
  mean: number;
  /** Two-sided p-value of H0: the differences are symmetric about 0. */
  p: number;
  /**
   * The shifts δ the test does not reject at 1 − `level` (differences d_i − δ): an interval around the mean,
   * agreeing with `p` (0 lies inside iff p > 1 − level). ±Infinity where too few pairs can reject any shift
   * (e.g. 5 pairs at 95%: the smallest p is 2/32).
   */
  low: number;
  high: number;
  /** Coverage of [low, high]. */
  level: number;
  /** True when every sign pattern was enumerated; false for Monte Carlo. */
  exact: boolean;
}

/**
 * Paired sign-flip permutation test (Fisher's randomisation test for paired data) of H0: the differences
 * d_i = a_i − b_i are symmetric about 0, e.g. two nets' accuracies on the same held-out subjects, each
 * subject one pair (the subjects are the independent units, so the many slices of one subject count once).
 * Statistic T = |S|, S = Σ d_i; under H0 every sign pattern ε ∈ {±1}^n is equally likely, so
 * p = #{ε : |Σ ε_i d_i| ≥ T} / 2^n, enumerated when n ≤ `exactUpTo`, else p = (1 + #{r : |Σ ε_ir d_i| ≥ T}) /
 * (R + 1) over R random patterns (Phipson & Smyth, 2010: never 0). Sums within 1e-9·Σ|d_i| of T count as
 * ties (≥). 1 when every difference is 0.
 *
 * The interval inverts the same test for a shift δ (H0: d_i − δ symmetric about 0), on the same patterns.
 * For pattern ε with A = Σ ε_i d_i and B = Σ ε_i, |A − δB| ≥ |S − nδ| holds exactly for δ between the mean of
 * the d_i with ε_i = +1, (S + A)/(n + B), and the mean of those with ε_i = −1, (S − A)/(n − B) (always, when
 * one of the two sets is empty); so δ is kept while at least k patterns' intervals hold it, k = ⌊α·2^n⌋ + 1
 * exact or ⌊α(R + 1)⌋ Monte Carlo, α = 1 − level: the ends are the k-th smallest low and k-th largest high
 * subset means (Hartigan, 1969).
 *
 * @throws {StatsError} for a difference that is not finite, or bad options.
 *
 * @example
 * pairedSignFlipTest([0.1, 0.2, 0.05, 0.3, 0.15]).p; // 0.0625 = 2 / 2^5
 */
export function pairedSignFlipTest(
  differences: ArrayLike<number>,
  options: SignFlipOptions = {},
): PairedTest {
  const exactUpTo = options.exactUpTo ?? 20, resamples = options.resamples ?? 100_000;
  const level = options.level ?? 0.95;
  if (!Number.isInteger(exactUpTo) || exactUpTo < 0 || exactUpTo > 22) {
    throw new StatsError("pairedSignFlipTest", `exactUpTo must be an integer in 0..22, got ${exactUpTo}`);
  }
  if (!Number.isInteger(resamples) || resamples < 1) {
    throw new StatsError("pairedSignFlipTest", `resamples must be a positive integer, got ${resamples}`);
  }
  if (!(level > 0 && level < 1)) {
    throw new StatsError("pairedSignFlipTest", `level must be in (0, 1), got ${level}`);
  }
  const n = differences.length;
  const d = new Float64Array(n);
  let total = 0, scale = 0;
  for (let i = 0; i < n; i++) {
    const v = differences[i];
    if (!Number.isFinite(v)) throw new StatsError("pairedSignFlipTest", `difference ${i} is ${v}`);
    d[i] = v, total += v, scale += Math.abs(v);
  }
  const mean = n ? total / n : 0;
  if (scale === 0) return { n, mean, p: 1, low: mean, high: mean, level, exact: true };
  const t = Math.abs(total) - 1e-9 * scale;
  const exact = n <= exactUpTo;
  const patterns = exact ? 2 ** n : resamples;
  const lows = new Float64Array(patterns), highs = new Float64Array(patterns);
  let hits = 0;
  // Pattern r's sums A = Σ ε_i d_i, B = Σ ε_i: its p count and the δ interval it holds.
  const record = (r: number, a: number, b: number) => {
    if (Math.abs(a) >= t) hits++;
    if (Math.abs(b) === n) lows[r] = -Infinity, highs[r] = Infinity;
    else {
      const plus = (total + a) / (n + b), minus = (total - a) / (n - b);
      lows[r] = Math.min(plus, minus), highs[r] = Math.max(plus, minus);
    }
  };
  if (exact) {
    // Gray code: pattern k differs from k − 1 in one sign, so each sum is one update of the last.
    let a = total, b = n;
    const sign = new Int8Array(n).fill(1);
    record(0, a, b);
    for (let k = 1; k < patterns; k++) {
      const bit = 31 - Math.clz32(k & -k);
      a -= 2 * sign[bit] * d[bit], b -= 2 * sign[bit];
      sign[bit] = -sign[bit];
      record(k, a, b);
    }
  } else {
    const rand = mulberry32(options.seed ?? 0);
    for (let r = 0; r < patterns; r++) {
      // 32 signs from each draw: the bits of ⌊u·2³²⌋ (mulberry32's u is k/2³² for a 32-bit k).
      let a = 0, b = 0, bits = 0;
      for (let i = 0; i < n; i++) {
        if ((i & 31) === 0) bits = (rand() * 4294967296) >>> 0;
        if (bits & 1) a -= d[i], b--;
        else a += d[i], b++;
        bits >>>= 1;
      }
      record(r, a, b);
    }
  }
  const alpha = 1 - level;
  const k = exact ? Math.floor(alpha * patterns) + 1 : Math.floor(alpha * (patterns + 1));
  let low = -Infinity, high = Infinity;
  if (k >= 1 && k <= patterns) {
    lows.sort(), highs.sort();
    low = lows[k - 1], high = highs[patterns - k];
  }
  const p = exact ? hits / patterns : (hits + 1) / (patterns + 1);
  return { n, mean, p: Math.min(1, p), low, high, level, exact };
}

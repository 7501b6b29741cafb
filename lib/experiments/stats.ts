/**
 * Exact small-sample statistics for comparing runs on few subjects: the binomial distribution, the
 * Clopper–Pearson interval of a proportion and the exact McNemar (sign) test of two classifiers scored on the
 * same subjects. Sums run in float64 over log terms, exact to ~1e-12 for n up to tens of thousands; the
 * interval's ends are found by bisection on the binomial tails.
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
  /** Enumerate all 2^n sign patterns when n (non-zero differences) is at most this. @default 20 */
  exactUpTo?: number;
  /** Random sign patterns drawn above `exactUpTo`. @default 100000 */
  resamples?: number;
  /** Seed of those draws (lib's mulberry32), so a p-value is the same on every run. @default 0 */
  seed?: number;
}

/** A paired test's result. */
export interface PairedTest {
  /** Pairs given (zero differences included). */
  n: number;
  /** Mean difference (1/n) Σ d_i. */
  mean: number;
  /** Two-sided p-value. */
  p: number;
  /** True when every sign pattern was enumerated; false for a Monte Carlo p. */
  exact: boolean;
}

/**
 * Paired sign-flip permutation test (Fisher's randomisation test for paired data) of H0: the differences
 * d_i = a_i − b_i are symmetric about 0, e.g. two nets' accuracies on the same held-out subjects, each
 * subject one pair (the subjects are the independent units, so the many slices of one subject count once).
 * Statistic T = |Σ d_i|; under H0 every sign pattern ε ∈ {±1}^n is equally likely, so
 * p = #{ε : |Σ ε_i d_i| ≥ T} / 2^n, enumerated over the m non-zero differences when m ≤ `exactUpTo` (zeros
 * change no sum), else p = (1 + #{r : |Σ ε_ir d_i| ≥ T}) / (R + 1) over R random patterns (Phipson & Smyth,
 * 2010: never 0). Sums within 1e-9·Σ|d_i| of T count as ties (≥). 1 when every difference is 0.
 *
 * @throws {StatsError} for a difference that is not finite, or bad options.
 *
 * @example
 * pairedSignFlipTest([0.1, 0.2, 0.05, 0.3, 0.15]); // { n: 5, mean: 0.16, p: 0.0625, exact: true }
 */
export function pairedSignFlipTest(
  differences: ArrayLike<number>,
  options: SignFlipOptions = {},
): PairedTest {
  const exactUpTo = options.exactUpTo ?? 20, resamples = options.resamples ?? 100_000;
  if (!Number.isInteger(exactUpTo) || exactUpTo < 0 || exactUpTo > 26) {
    throw new StatsError("pairedSignFlipTest", `exactUpTo must be an integer in 0..26, got ${exactUpTo}`);
  }
  if (!Number.isInteger(resamples) || resamples < 1) {
    throw new StatsError("pairedSignFlipTest", `resamples must be a positive integer, got ${resamples}`);
  }
  const n = differences.length;
  let total = 0, scale = 0;
  const d: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = differences[i];
    if (!Number.isFinite(v)) throw new StatsError("pairedSignFlipTest", `difference ${i} is ${v}`);
    total += v, scale += Math.abs(v);
    if (v !== 0) d.push(v);
  }
  const mean = n ? total / n : 0;
  if (!d.length) return { n, mean, p: 1, exact: true };
  const t = Math.abs(total) - 1e-9 * scale;
  const m = d.length;
  if (m <= exactUpTo) {
    // Gray code: pattern k differs from k − 1 in one sign, so each sum is one update of the last.
    let sum = total, hits = 1; // the observed pattern
    const sign = new Int8Array(m).fill(1);
    const patterns = 2 ** m;
    for (let k = 1; k < patterns; k++) {
      const bit = 31 - Math.clz32(k & -k);
      sum -= 2 * sign[bit] * d[bit];
      sign[bit] = -sign[bit];
      if (Math.abs(sum) >= t) hits++;
    }
    return { n, mean, p: Math.min(1, hits / patterns), exact: true };
  }
  const rand = mulberry32(options.seed ?? 0);
  let hits = 0;
  for (let r = 0; r < resamples; r++) {
    // 32 signs from each draw: the bits of ⌊u·2³²⌋ (mulberry32's u is k/2³² for a 32-bit k).
    let sum = 0, bits = 0;
    for (let i = 0; i < m; i++) {
      if ((i & 31) === 0) bits = (rand() * 4294967296) >>> 0;
      sum += bits & 1 ? -d[i] : d[i];
      bits >>>= 1;
    }
    if (Math.abs(sum) >= t) hits++;
  }
  return { n, mean, p: Math.min(1, (hits + 1) / (resamples + 1)), exact: false };
}

/** Options of {@linkcode bootstrapMeanInterval}. */
export interface BootstrapOptions {
  /** Coverage. @default 0.95 */
  level?: number;
  /** Bootstrap resamples. @default 10000 */
  resamples?: number;
  /** Seed of the resampling (lib's mulberry32). @default 0 */
  seed?: number;
}

/**
 * Percentile bootstrap interval of a mean (Efron): the values resampled with replacement R times, each
 * resample's mean m_r, and the interval [q_{(1−level)/2}, q_{(1+level)/2}] of the m_r (linear interpolation
 * between order statistics). With subjects as the values (e.g. per-subject accuracy differences of two nets)
 * it is the interval of the mean difference over subjects. A single value gives [v, v].
 *
 * @throws {StatsError} for no values, a value that is not finite, or bad options.
 *
 * @example
 * bootstrapMeanInterval([0.1, 0.2, 0.05, 0.3, 0.15]); // ≈ { low: 0.08, high: 0.24 }
 */
export function bootstrapMeanInterval(values: ArrayLike<number>, options: BootstrapOptions = {}): Interval {
  const level = options.level ?? 0.95, resamples = options.resamples ?? 10_000;
  if (!(level > 0 && level < 1)) {
    throw new StatsError("bootstrapMeanInterval", `level must be in (0, 1), got ${level}`);
  }
  if (!Number.isInteger(resamples) || resamples < 2) {
    throw new StatsError("bootstrapMeanInterval", `resamples must be an integer ≥ 2, got ${resamples}`);
  }
  const n = values.length;
  if (!n) throw new StatsError("bootstrapMeanInterval", "no values");
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(values[i])) {
      throw new StatsError("bootstrapMeanInterval", `value ${i} is ${values[i]}`);
    }
  }
  const rand = mulberry32(options.seed ?? 0);
  const means = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += values[Math.floor(rand() * n)];
    means[r] = sum / n;
  }
  means.sort();
  const at = (q: number) => {
    const x = q * (resamples - 1), lo = Math.floor(x), hi = Math.min(lo + 1, resamples - 1);
    return means[lo] + (x - lo) * (means[hi] - means[lo]);
  };
  return { low: at((1 - level) / 2), high: at((1 + level) / 2) };
}

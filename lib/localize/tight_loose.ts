/** The CAM paper's "tight + loose" two-box heuristic. */
import { boxFromMap, type Connectivity } from "./boxes.ts";
import { checkFraction } from "./_check.ts";
import { LocalizeError } from "./errors.ts";
import type { Prediction } from "./types.ts";

/** A class's map, in rank order of the classifier's scores. */
export interface RankedMap {
  readonly classIndex: number;
  readonly map: ArrayLike<number>;
}

/** Options of {@linkcode tightLooseBoxes}. */
export interface TightLooseOptions {
  /** τ of the tight box (higher → smaller box). @default 0.5 */
  tight?: number;
  /** τ of the loose box (the paper's single-box threshold). @default 0.2 */
  loose?: number;
  /** @default 8 */
  connectivity?: Connectivity;
}

/**
 * Our reading of Zhou et al. (2016), Sec. 3.1, for the ILSVRC test-set entry "GoogLeNet-GAP (heuristics)":
 * two boxes, one tight and one loose, from the CAM of each of the top-1 and top-2 predicted classes, and
 * one loose box from the top-3 class: five (class, box) guesses, which is what the ILSVRC top-5
 * localization protocol scores. The order is (c1, tight), (c1, loose), (c2, tight), (c2, loose),
 * (c3, loose), so the first guess is the top-1 prediction. The paper gives no threshold values; tight τ = 0.5
 * and loose τ = 0.2 (its single-box threshold) are our defaults. Each box is the largest connected
 * component's, as in {@linkcode boxFromMap}.
 *
 * @example
 * const guesses = tightLooseBoxes([{ classIndex: c1, map: m1 }, { classIndex: c2, map: m2 }, { classIndex: c3, map: m3 }], [h, w]);
 * localizationError([guesses], [truth], { topK: 5 });
 */
export function tightLooseBoxes(
  ranked: readonly RankedMap[],
  shape: readonly [number, number],
  options: TightLooseOptions = {},
): Prediction[] {
  const tight = options.tight ?? 0.5, loose = options.loose ?? 0.2;
  checkFraction("tightLooseBoxes", "tight", tight);
  checkFraction("tightLooseBoxes", "loose", loose);
  if (ranked.length < 3) {
    throw new LocalizeError("tightLooseBoxes", `needs the maps of the top-3 classes, got ${ranked.length}`);
  }
  const box = (r: RankedMap, threshold: number): Prediction => ({
    classIndex: r.classIndex,
    box: boxFromMap(r.map, shape, { threshold, connectivity: options.connectivity }),
  });
  return [
    box(ranked[0], tight),
    box(ranked[0], loose),
    box(ranked[1], tight),
    box(ranked[1], loose),
    box(ranked[2], loose),
  ];
}

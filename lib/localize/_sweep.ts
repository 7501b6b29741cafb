/**
 * The τ sweep MaxBoxAcc (2-D) and Max3DBoxAcc (3-D) share (Choe et al., 2020; SE3D): normalise and
 * quantise each map, threshold it at every τ, box its connected components, and count the maps whose box
 * reaches each IoU threshold. Private to lib/localize.
 */

/** The boxes (and component sizes) of one thresholded mask. */
export type ComponentBoxes<B> = (mask: Uint8Array) => { sizes: readonly number[]; boxes: readonly B[] };

/** Per IoU threshold δ: the number of maps whose box reaches δ, at every τ. */
export function sweepBoxAccuracy<B>(
  count: number,
  mapAt: (i: number) => ArrayLike<number>,
  thresholds: readonly number[],
  iouThresholds: readonly number[],
  options: {
    quantize: boolean;
    multi: boolean;
    components: ComponentBoxes<B>;
    bestIou: (box: B, image: number) => number;
  },
): Float64Array[] {
  const correct = iouThresholds.map(() => new Float64Array(thresholds.length));
  let mask: Uint8Array | undefined;
  for (let i = 0; i < count; i++) {
    const level = levels(mapAt(i), options.quantize);
    mask ??= new Uint8Array(level.length);
    let max = 0;
    for (let p = 0; p < level.length; p++) if (level[p] > max) max = level[p];
    const memo = new Map<number, number>();
    for (let t = 0; t < thresholds.length; t++) {
      const cut = options.quantize ? Math.floor(thresholds[t] * max) : thresholds[t] * max;
      let best = memo.get(cut);
      if (best === undefined) {
        for (let p = 0; p < level.length; p++) mask[p] = level[p] > cut ? 1 : 0;
        const { sizes, boxes } = options.components(mask);
        best = 0;
        if (options.multi) { for (const b of boxes) best = Math.max(best, options.bestIou(b, i)); }
        else if (sizes.length > 0) best = options.bestIou(boxes[sizes.indexOf(Math.max(...sizes))], i);
        memo.set(cut, best);
      }
      for (let d = 0; d < iouThresholds.length; d++) if (best >= iouThresholds[d]) correct[d][t]++;
    }
  }
  return correct;
}

/** Min-max normalised map (flat → zeros), as 8-bit levels ⌊255·m⌋ or as floats. */
export function levels(map: ArrayLike<number>, quantize: boolean): Float64Array {
  let min = Infinity, max = -Infinity;
  for (let p = 0; p < map.length; p++) {
    if (map[p] < min) min = map[p];
    if (map[p] > max) max = map[p];
  }
  const out = new Float64Array(map.length);
  if (!(max > min)) return out;
  for (let p = 0; p < map.length; p++) {
    const m = (map[p] - min) / (max - min);
    // numpy: (float32 map * 255).astype(uint8), i.e. a float32 product, truncated
    out[p] = quantize ? Math.floor(Math.fround(Math.fround(m) * 255)) : m;
  }
  return out;
}

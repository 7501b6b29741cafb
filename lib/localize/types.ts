/** Shapes shared by the localization functions. */

/**
 * An axis-aligned box in pixel coordinates, inclusive at both ends: x is the column, y the row, and the
 * box covers columns x0..x1 and rows y0..y1, so its area is (x1 − x0 + 1)(y1 − y0 + 1) pixels (the ILSVRC /
 * wsolevaluation convention).
 */
export interface Box {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

/** A stack of maps, row-major `[count, height, width]`: a `CamResult` from lib/cam fits as is. */
export interface MapStack {
  readonly maps: ArrayLike<number>;
  readonly shape: readonly [number, number, number];
}

/** A guess: which class, and where (null when the map gave no box). */
export interface Prediction {
  readonly classIndex: number;
  readonly box: Box | null;
}

/** The truth of one image: its class and every box of that class. */
export interface GroundTruth {
  readonly classIndex: number;
  readonly boxes: readonly Box[];
}

/**
 * An axis-aligned 3-D box in voxel coordinates, inclusive at both ends: x the column, y the row, z the slice
 * (depth), covering (x1 − x0 + 1)(y1 − y0 + 1)(z1 − z0 + 1) voxels.
 */
export interface Box3D {
  readonly x0: number;
  readonly y0: number;
  readonly z0: number;
  readonly x1: number;
  readonly y1: number;
  readonly z1: number;
}

/** A stack of volumes, row-major `[count, depth, height, width]`: a 3-D `CamResult` from lib/cam fits as is. */
export interface MapStack3D {
  readonly maps: ArrayLike<number>;
  readonly shape: readonly [number, number, number, number];
}

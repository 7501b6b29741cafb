/** Argument checks shared by lib/localize. */
import { LocalizeError } from "./errors.ts";
import type { MapStack } from "./types.ts";

/** A 2-D map must hold height·width values. */
export function checkMap(fn: string, map: ArrayLike<number>, shape: readonly number[]): void {
  if (shape.length !== 2 || !shape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new LocalizeError(fn, `shape must be [height, width] of positive integers, got [${shape}]`);
  }
  if (map.length !== shape[0] * shape[1]) {
    throw new LocalizeError(
      fn,
      `map holds ${map.length} values but shape [${shape}] needs ${shape[0] * shape[1]}`,
    );
  }
}

/** A stack must hold count·height·width values, and its count must match the per-image list. */
export function checkStack(fn: string, stack: MapStack, count?: number, what = "ground truths"): void {
  const [n, h, w] = stack.shape;
  if (stack.maps.length !== n * h * w) {
    throw new LocalizeError(
      fn,
      `maps hold ${stack.maps.length} values but shape [${stack.shape}] needs ${n * h * w}`,
    );
  }
  if (count !== undefined && count !== n) {
    throw new LocalizeError(fn, `${n} maps but ${count} ${what}`);
  }
}

/** A fraction in [0, 1]. */
export function checkFraction(fn: string, name: string, value: number): void {
  if (!(value >= 0 && value <= 1)) throw new LocalizeError(fn, `${name} must be in [0, 1], got ${value}`);
}

/** Map i of a stack, as a view. */
export function mapAt(stack: MapStack, i: number): ArrayLike<number> {
  const size = stack.shape[1] * stack.shape[2];
  const maps = stack.maps as unknown as { subarray?: (a: number, b: number) => ArrayLike<number> };
  if (typeof maps.subarray === "function") return maps.subarray(i * size, (i + 1) * size);
  return Array.prototype.slice.call(stack.maps, i * size, (i + 1) * size) as number[];
}

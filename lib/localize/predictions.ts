/** From a stack of per-class maps (lib/cam's top-k output) to ranked (class, box) guesses per image. */
import { boxFromMap, type BoxOptions } from "./boxes.ts";
import { checkStack, mapAt } from "./_check.ts";
import { LocalizeError } from "./errors.ts";
import { tightLooseBoxes, type TightLooseOptions } from "./tight_loose.ts";
import type { MapStack, Prediction } from "./types.ts";

/**
 * Maps with the image and class each explains: a `CamResult` from lib/cam (its `record` carries both lists,
 * image-major and in rank order for a top-k request).
 */
export interface LabelledMaps extends MapStack {
  readonly record: { readonly imageIndex: readonly number[]; readonly classIndex: readonly number[] };
}

/** Maps of each image in their order, checked. */
function groupByImage(fn: string, stack: LabelledMaps): { classIndex: number; map: ArrayLike<number> }[][] {
  checkStack(fn, stack);
  const { imageIndex, classIndex } = stack.record;
  if (imageIndex.length !== stack.shape[0] || classIndex.length !== stack.shape[0]) {
    throw new LocalizeError(
      fn,
      `${stack.shape[0]} maps but ${imageIndex.length} image and ${classIndex.length} class indices`,
    );
  }
  const images: { classIndex: number; map: ArrayLike<number> }[][] = [];
  for (let i = 0; i < imageIndex.length; i++) {
    (images[imageIndex[i]] ??= []).push({ classIndex: classIndex[i], map: mapAt(stack, i) });
  }
  for (let i = 0; i < images.length; i++) images[i] ??= [];
  return images;
}

/**
 * One guess per map: image i's guesses are its maps' classes, in order, each with the box of
 * {@linkcode boxFromMap} (τ·max, largest component). With `topK: 5` maps this is the input of the top-5
 * localization error.
 *
 * @example
 * const result = await cam(model, images, { topK: 5 });
 * localizationError(boxPredictions(result), truth, { topK: 5 });
 */
export function boxPredictions(stack: LabelledMaps, options: BoxOptions = {}): Prediction[][] {
  const shape: [number, number] = [stack.shape[1], stack.shape[2]];
  return groupByImage("boxPredictions", stack).map((maps) =>
    maps.map((m) => ({ classIndex: m.classIndex, box: boxFromMap(m.map, shape, options) }))
  );
}

/** The five guesses of {@linkcode tightLooseBoxes} per image, from maps of (at least) the top-3 classes. */
export function tightLoosePredictions(stack: LabelledMaps, options: TightLooseOptions = {}): Prediction[][] {
  const shape: [number, number] = [stack.shape[1], stack.shape[2]];
  return groupByImage("tightLoosePredictions", stack).map((maps) => tightLooseBoxes(maps, shape, options));
}

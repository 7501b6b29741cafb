/**
 * Output stride: the total stride from the input to the CAM layer, and the one change that makes it smaller
 * (the CAM map finer) without touching any weight shape.
 *
 * The CAM paper cuts each backbone where its last conv map is still large (13x13 or 14x14 at 224 px).
 * The zoo keeps that cut, so a net's CAM map is the input size over its stride: 16 for AlexNet-GAP, VGG16-GAP
 * and GoogLeNet-GAP. On small inputs (96 px slices of 48³ phantoms) that leaves a 4x4 or 6x6 map, which caps
 * how well any map at that layer can localize. `outputStride` (DeepLab's term, Chen et al., 2017, without the
 * atrous convs: the net is trained from scratch here, so nothing needs its receptive field kept) sets the
 * strides of the last max or average pools to 1, latest first, until the product of the strides along the
 * main path equals it. Every conv keeps its kernel, channels and stride, so the parameters are the same; only
 * the layers after the changed pools see a larger map (and cost more).
 *
 * | model, native stride | `outputStride` 8 | 4 |
 * |---|---|---|
 * | AlexNet-GAP, 16 | pool2 3/1 (96 px: 4x4 → 8x8) | pool1, pool2 3/1 (→ 18x18) |
 * | GoogLeNet-GAP, 16 | pool3 3/1 same (96 px: 6x6 → 12x12) | pool2, pool3 (→ 24x24) |
 * | VGG16-GAP, 16 | pool4 2/1 (96 px: 6x6 → 11x11) | pool3, pool4 (→ 22x22) |
 *
 * Only pools after the last strided conv or inception block can change (Inception-v3's reductions are
 * strided convs: it keeps its native stride).
 *
 * @module
 */
import type { LayerNode, NetworkSpec } from "./spec.ts";
import { totalStride } from "./spec.ts";

const strided = (node: LayerNode) =>
  node.kind === "concat"
    ? totalStride({ body: node.branches[0] }) > 1
    : "strides" in node && node.strides > 1;

/**
 * The output strides a network can be given: its native total stride, then the stride left each time one
 * more of its last pools (those after the last strided conv or block) is set to stride 1. Descending.
 *
 * @example
 * reachableOutputStrides(alexnetSpec(config)); // [16, 8, 4]
 */
export function reachableOutputStrides(spec: NetworkSpec): number[] {
  let stride = totalStride(spec);
  const out = [stride];
  for (let i = spec.body.length - 1; i >= 0; i--) {
    const node = spec.body[i];
    if (node.kind === "maxPool" || node.kind === "avgPool") {
      if (node.strides > 1) out.push(stride /= node.strides);
    } else if (strided(node)) break;
  }
  return out;
}

/**
 * The network with the strides of its last pools set to 1, latest first, until its total stride is
 * `outputStride`; the same object when `outputStride` is the native stride. Kernel sizes and paddings stay.
 *
 * @throws {RangeError} when `outputStride` is not one of {@link reachableOutputStrides} (the message lists
 * them; lib/models' registry turns it into a ModelError naming the model).
 */
export function withOutputStride(spec: NetworkSpec, outputStride: number): NetworkSpec {
  const reachable = reachableOutputStrides(spec);
  if (!reachable.includes(outputStride)) {
    throw new RangeError(
      `outputStride ${outputStride} is not reachable (the native stride is ${
        reachable[0]
      }; setting the last ` +
        `pools' strides to 1 gives ${reachable.join(", ")})`,
    );
  }
  const body = [...spec.body];
  let stride = reachable[0];
  for (let i = body.length - 1; i >= 0 && stride > outputStride; i--) {
    const node = body[i];
    if ((node.kind === "maxPool" || node.kind === "avgPool") && node.strides > 1) {
      stride /= node.strides;
      body[i] = { ...node, strides: 1 };
    }
  }
  return { ...spec, body };
}

/**
 * AlexNet-GAP (Zhou et al., 2016, §3): AlexNet (Krizhevsky et al., 2012; the Caffe `bvlc_alexnet`
 * layer order) cut after conv5 — pool5 and the fully connected layers removed — then the added
 * conv 3x3/1/1 with 1024 units, global pooling and the softmax classifier. At 227 px the CAM map is 13x13.
 *
 * ```
 * conv1 96 11x11/4 → ReLU → norm1 (LRN) → pool1 max 3/2
 * conv2 256 5x5/1 pad 2 → ReLU → norm2 (LRN) → pool2 max 3/2
 * conv3 384 3x3/1/1 → conv4 384 3x3/1/1 → conv5 256 3x3/1/1 → cam_conv 1024 3x3/1/1 → GAP|GMP → dense
 * ```
 * Differences from Caffe, on purpose: no channel groups in conv2/4/5 (tfjs convs have none; the
 * ungrouped layers have twice the weights), and with `batchNorm` (AlexNet-BN) every conv is followed
 * by batch norm instead of a bias and the LRN layers are dropped.
 *
 * AlexNet*-GAP — "we add two convolutional layers just before GAP" to make up for the removed fully
 * connected layers — is read here as AlexNet-GAP plus two more 3x3/1/1 1024-unit convs: three added
 * convs (`cam_conv1`, `cam_conv2`, `cam_conv`), `camConvs: 3`.
 *
 * Minimum input 35x35 (then the CAM map is 1x1; 51 gives 2x2).
 *
 * @module
 */
import { camConvNodes, convNode, type ZooConfig } from "./config.ts";
import type { LayerNode, LrnNode, NetworkSpec } from "./spec.ts";

/** Caffe's LRN (local_size 5, α = 1e-4, β = 0.75, k = 1) in tfjs terms: α is divided by the window size. */
export function caffeLrn(name: string): LrnNode {
  return { kind: "lrn", name, depthRadius: 2, bias: 1, alpha: 1e-4 / 5, beta: 0.75 };
}

/** The AlexNet-GAP family's layers for a resolved config. */
export function alexnetSpec(config: ZooConfig): NetworkSpec {
  const lrn = !config.batchNorm;
  const body: LayerNode[] = [
    convNode(config, "conv1", 96, 11, { strides: 4, padding: "valid" }),
    ...(lrn ? [caffeLrn("norm1")] : []),
    { kind: "maxPool", name: "pool1", size: 3, strides: 2, padding: "valid" },
    convNode(config, "conv2", 256, 5),
    ...(lrn ? [caffeLrn("norm2")] : []),
    { kind: "maxPool", name: "pool2", size: 3, strides: 2, padding: "valid" },
    convNode(config, "conv3", 384, 3),
    convNode(config, "conv4", 384, 3),
    convNode(config, "conv5", 256, 3),
    ...camConvNodes(config),
  ];
  return { body };
}

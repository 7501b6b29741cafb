/**
 * Inception-v3-GAP: Inception-v3 (Szegedy et al., 2016; torchvision's layer definitions, TF-slim's
 * names in lower case) cut after mixed_6e — the last 17x17 block; mixed_7a would halve the map to 8x8,
 * which the CAM paper's rule (keep the last conv map large, ~14x14) rules out — then conv 3x3/1/1 with
 * 1024 units, global pooling and the softmax classifier. At 299 px the CAM map is 17x17.
 *
 * ```
 * conv2d_1a_3x3 32 /2 valid → conv2d_2a_3x3 32 valid → conv2d_2b_3x3 64 same → maxpool_3a_3x3 3/2
 * → conv2d_3b_1x1 80 → conv2d_4a_3x3 192 valid → maxpool_5a_3x3 3/2
 * → mixed_5b, 5c, 5d (35x35) → mixed_6a (/2) → mixed_6b..6e (17x17) → cam_conv 1024 → GAP|GMP → dense
 * ```
 * Every conv is conv (no bias) → batch norm (ε = 1e-3) → ReLU, as in the original (`batchNorm: false`
 * swaps batch norm for a bias). Average pools in the blocks exclude padded cells (TF semantics;
 * torchvision counts them). The auxiliary classifier is not built. Minimum input 43x43 (CAM map 1x1; 75 gives 3x3).
 *
 * @module
 */
import { camConvNodes, convNode, type ZooConfig } from "./config.ts";
import type { ConcatNode, LayerNode, NetworkSpec } from "./spec.ts";

/** InceptionA (35x35): 1x1 64 | 1x1 48 → 5x5 64 | 1x1 64 → 3x3 96 → 3x3 96 | avg 3x3 → 1x1 poolFeatures. */
function inceptionA(config: ZooConfig, name: string, poolFeatures: number): ConcatNode {
  const c = (n: string, f: number, k: number | [number, number]) => convNode(config, `${name}/${n}`, f, k);
  return {
    kind: "concat",
    name,
    branches: [
      [c("branch1x1", 64, 1)],
      [c("branch5x5_1", 48, 1), c("branch5x5_2", 64, 5)],
      [c("branch3x3dbl_1", 64, 1), c("branch3x3dbl_2", 96, 3), c("branch3x3dbl_3", 96, 3)],
      [
        { kind: "avgPool", name: `${name}/avg_pool`, size: 3, strides: 1, padding: "same" },
        c("branch_pool", poolFeatures, 1),
      ],
    ],
  };
}

/** InceptionB (35 → 17): 3x3/2 384 | 1x1 64 → 3x3 96 → 3x3/2 96 | max 3x3/2. */
function inceptionB(config: ZooConfig, name: string): ConcatNode {
  const valid2 = { strides: 2, padding: "valid" as const };
  return {
    kind: "concat",
    name,
    branches: [
      [convNode(config, `${name}/branch3x3`, 384, 3, valid2)],
      [
        convNode(config, `${name}/branch3x3dbl_1`, 64, 1),
        convNode(config, `${name}/branch3x3dbl_2`, 96, 3),
        convNode(config, `${name}/branch3x3dbl_3`, 96, 3, valid2),
      ],
      [{ kind: "maxPool", name: `${name}/max_pool`, size: 3, strides: 2, padding: "valid" }],
    ],
  };
}

/** InceptionC (17x17) with factorised 7x7 convs of c7 channels. */
function inceptionC(config: ZooConfig, name: string, c7: number): ConcatNode {
  const c = (n: string, f: number, k: number | [number, number]) => convNode(config, `${name}/${n}`, f, k);
  return {
    kind: "concat",
    name,
    branches: [
      [c("branch1x1", 192, 1)],
      [c("branch7x7_1", c7, 1), c("branch7x7_2", c7, [1, 7]), c("branch7x7_3", 192, [7, 1])],
      [
        c("branch7x7dbl_1", c7, 1),
        c("branch7x7dbl_2", c7, [7, 1]),
        c("branch7x7dbl_3", c7, [1, 7]),
        c("branch7x7dbl_4", c7, [7, 1]),
        c("branch7x7dbl_5", 192, [1, 7]),
      ],
      [
        { kind: "avgPool", name: `${name}/avg_pool`, size: 3, strides: 1, padding: "same" },
        c("branch_pool", 192, 1),
      ],
    ],
  };
}

/** The Inception-v3-GAP family's layers for a resolved config. */
export function inceptionV3Spec(config: ZooConfig): NetworkSpec {
  const body: LayerNode[] = [
    convNode(config, "conv2d_1a_3x3", 32, 3, { strides: 2, padding: "valid" }),
    convNode(config, "conv2d_2a_3x3", 32, 3, { padding: "valid" }),
    convNode(config, "conv2d_2b_3x3", 64, 3),
    { kind: "maxPool", name: "maxpool_3a_3x3", size: 3, strides: 2, padding: "valid" },
    convNode(config, "conv2d_3b_1x1", 80, 1),
    convNode(config, "conv2d_4a_3x3", 192, 3, { padding: "valid" }),
    { kind: "maxPool", name: "maxpool_5a_3x3", size: 3, strides: 2, padding: "valid" },
    inceptionA(config, "mixed_5b", 32),
    inceptionA(config, "mixed_5c", 64),
    inceptionA(config, "mixed_5d", 64),
    inceptionB(config, "mixed_6a"),
    inceptionC(config, "mixed_6b", 128),
    inceptionC(config, "mixed_6c", 160),
    inceptionC(config, "mixed_6d", 160),
    inceptionC(config, "mixed_6e", 192),
    ...camConvNodes(config),
  ];
  return { body };
}

/**
 * GoogLeNet-GAP (Zhou et al., 2016, §3): GoogLeNet (Szegedy et al., 2015; Caffe `bvlc_googlenet`)
 * cut after inception4e — pool4 and everything after it removed — then conv 3x3/1/1 with 1024 units,
 * global pooling and the softmax classifier. At 224 px the CAM map is 14x14.
 *
 * ```
 * conv1 64 7x7/2 pad 3 → pool1 max 3/2 → norm1 (LRN) → conv2_reduce 64 1x1 → conv2 192 3x3/1/1 → norm2
 * → pool2 max 3/2 → inception3a → inception3b → pool3 max 3/2 → inception4a..4e → cam_conv 1024 → GAP|GMP → dense
 * ```
 * Each inception block concatenates four branches: 1x1; 1x1 → 3x3; 1x1 → 5x5; max 3x3/1 → 1x1
 * (`name/1x1`, `name/3x3_reduce`, `name/3x3`, `name/5x5_reduce`, `name/5x5`, `name/pool`, `name/pool_proj`).
 * Pools use "same" padding, which reproduces Caffe's ceil-mode sizes (112 → 56 → 28 → 14).
 * With `batchNorm` every conv gets batch norm and the LRN layers are dropped. The auxiliary
 * classifiers are not built. Minimum input 16x16 (total stride 16).
 *
 * @module
 */
import { caffeLrn } from "./alexnet.ts";
import { camConvNodes, convNode, type ZooConfig } from "./config.ts";
import type { ConcatNode, LayerNode, NetworkSpec } from "./spec.ts";

/** Channels of one inception block: #1x1, #3x3 reduce, #3x3, #5x5 reduce, #5x5, pool proj (Table 1). */
export type InceptionChannels = [number, number, number, number, number, number];

/** GoogLeNet's blocks up to the cut (Szegedy et al., 2015, Table 1). */
export const GOOGLENET_BLOCKS: [string, InceptionChannels][] = [
  ["inception3a", [64, 96, 128, 16, 32, 32]],
  ["inception3b", [128, 128, 192, 32, 96, 64]],
  ["inception4a", [192, 96, 208, 16, 48, 64]],
  ["inception4b", [160, 112, 224, 24, 64, 64]],
  ["inception4c", [128, 128, 256, 24, 64, 64]],
  ["inception4d", [112, 144, 288, 32, 64, 64]],
  ["inception4e", [256, 160, 320, 32, 128, 128]],
];

function inception(config: ZooConfig, name: string, c: InceptionChannels): ConcatNode {
  const [c1, c3r, c3, c5r, c5, cp] = c;
  return {
    kind: "concat",
    name,
    branches: [
      [convNode(config, `${name}/1x1`, c1, 1)],
      [convNode(config, `${name}/3x3_reduce`, c3r, 1), convNode(config, `${name}/3x3`, c3, 3)],
      [convNode(config, `${name}/5x5_reduce`, c5r, 1), convNode(config, `${name}/5x5`, c5, 5)],
      [
        { kind: "maxPool", name: `${name}/pool`, size: 3, strides: 1, padding: "same" },
        convNode(config, `${name}/pool_proj`, cp, 1),
      ],
    ],
  };
}

/** The GoogLeNet-GAP family's layers for a resolved config. */
export function googlenetSpec(config: ZooConfig): NetworkSpec {
  const lrn = !config.batchNorm;
  const blocks = new Map(GOOGLENET_BLOCKS);
  const block = (name: string) => inception(config, name, blocks.get(name)!);
  const body: LayerNode[] = [
    convNode(config, "conv1", 64, 7, { strides: 2, padding: [3, 3] }),
    { kind: "maxPool", name: "pool1", size: 3, strides: 2, padding: "same" },
    ...(lrn ? [caffeLrn("norm1")] : []),
    convNode(config, "conv2_reduce", 64, 1),
    convNode(config, "conv2", 192, 3),
    ...(lrn ? [caffeLrn("norm2")] : []),
    { kind: "maxPool", name: "pool2", size: 3, strides: 2, padding: "same" },
    block("inception3a"),
    block("inception3b"),
    { kind: "maxPool", name: "pool3", size: 3, strides: 2, padding: "same" },
    block("inception4a"),
    block("inception4b"),
    block("inception4c"),
    block("inception4d"),
    block("inception4e"),
    ...camConvNodes(config),
  ];
  return { body };
}

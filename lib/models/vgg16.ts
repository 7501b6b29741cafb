/**
 * VGG16-GAP (Zhou et al., 2016, §3): VGG16 (Simonyan & Zisserman, 2015, configuration D) cut after
 * conv5_3 — pool5 and the fully connected layers removed — then conv 3x3/1/1 with 1024 units, global
 * pooling and the softmax classifier. At 224 px the CAM map is 14x14.
 *
 * ```
 * conv1_1..1_2 64 → pool1 → conv2_1..2_2 128 → pool2 → conv3_1..3_3 256 → pool3
 * → conv4_1..4_3 512 → pool4 → conv5_1..5_3 512 → cam_conv 1024 → GAP|GMP → dense
 * ```
 * Every conv is 3x3/1/1 + ReLU; pools are max 2x2/2. Minimum input 16x16 (total stride 16).
 *
 * @module
 */
import { camConvNodes, convNode, type ZooConfig } from "./config.ts";
import type { LayerNode, NetworkSpec } from "./spec.ts";

/** VGG16's stages: channels and number of convs. */
const STAGES: [number, number][] = [[64, 2], [128, 2], [256, 3], [512, 3], [512, 3]];

/** The VGG16-GAP family's layers for a resolved config. */
export function vgg16Spec(config: ZooConfig): NetworkSpec {
  const body: LayerNode[] = [];
  STAGES.forEach(([channels, convs], s) => {
    for (let i = 1; i <= convs; i++) body.push(convNode(config, `conv${s + 1}_${i}`, channels, 3));
    if (s < STAGES.length - 1) {
      body.push({ kind: "maxPool", name: `pool${s + 1}`, size: 2, strides: 2, padding: "valid" });
    }
  });
  body.push(...camConvNodes(config));
  return { body };
}

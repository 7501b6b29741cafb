/**
 * A width-scalable 3-D ResNet cut for CAM (basic blocks as in He et al., 2016, in 3-D):
 *
 * ```
 * stem 16 3³ → block1 16 (stride 1) → block2 32 (stride 2) → block3 64 (stride 2) → block4 128 (stride 1)
 *   → GAP|GMP → dense
 * ```
 * Each block is conv 3³ → ReLU → conv 3³, plus the identity (or a 1³ conv where channels or stride change),
 * then ReLU. The network is cut after block4, whose grid is 1/4 of the volume per axis (12³ at 48³); with
 * batch norm (`batchNorm: true`) the convs lose their biases. Channel counts scale with `widthMultiplier`.
 *
 * @module
 */
import { conv3dNode, type Zoo3dConfig } from "./config3d.ts";
import type { Network3dSpec, Residual3dNode } from "./spec3d.ts";

function block(config: Zoo3dConfig, name: string, filters: number, inChannels: number, strides: number) {
  const body = [
    conv3dNode(config, `${name}/conv1`, filters, { strides }),
    conv3dNode(config, `${name}/conv2`, filters, { relu: false }),
  ];
  const changes = strides !== 1 || body[1].filters !== inChannels;
  return {
    kind: "residual3d",
    name,
    body,
    shortcut: changes
      ? conv3dNode(config, `${name}/shortcut`, filters, { kernel: 1, strides, relu: false })
      : null,
  } satisfies Residual3dNode;
}

/** The 3-D ResNet's layers for a resolved config. */
export function resnet3dSpec(config: Zoo3dConfig): Network3dSpec {
  const stem = conv3dNode(config, "stem", 16);
  const widths = [16, 32, 64, 128], strides = [1, 2, 2, 1];
  const body: Network3dSpec["body"] = [stem];
  let channels = stem.filters;
  widths.forEach((w, i) => {
    const b = block(config, `block${i + 1}`, w, channels, strides[i]);
    body.push(b);
    channels = b.body[1].filters;
  });
  return { body };
}

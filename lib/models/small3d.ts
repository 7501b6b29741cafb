/**
 * The small 3-D GAP/GMP network (the "small 3-D GAP net", convs of 16/32/64 at width 1):
 *
 * ```
 * conv1 16 3³ → ReLU → max 2³/2 → conv2 32 3³ → ReLU → max 2³/2 → conv3 64 3³ → ReLU → GAP|GMP → dense
 * ```
 * conv3 is the CAM layer: its grid is 1/4 of the volume per axis (12³ at 48³).
 *
 * @module
 */
import { conv3dNode, type Zoo3dConfig } from "./config3d.ts";
import type { Network3dSpec } from "./spec3d.ts";

/** The small 3-D network's layers for a resolved config. */
export function small3dSpec(config: Zoo3dConfig): Network3dSpec {
  return {
    body: [
      conv3dNode(config, "conv1", 16),
      { kind: "maxPool3d", name: "pool1", size: 2, strides: 2 },
      conv3dNode(config, "conv2", 32),
      { kind: "maxPool3d", name: "pool2", size: 2, strides: 2 },
      conv3dNode(config, "conv3", 64),
    ],
  };
}

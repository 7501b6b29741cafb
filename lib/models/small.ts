/**
 * The small test network (model R of `../shared/bench/WORKLOADS.md` at width 1):
 *
 * ```
 * conv1 32 3x3 same → ReLU → max 2/2 → conv2 64 3x3 → ReLU → max 2/2 → conv3 128 3x3 → ReLU → GAP|GMP → dense
 * ```
 * conv3 is the CAM layer (no added conv by default, `camConvs: 0`). Minimum input 4x4.
 *
 * @module
 */
import { camConvNodes, convNode, type ZooConfig } from "./config.ts";
import type { NetworkSpec } from "./spec.ts";

/** The small network's layers for a resolved config. */
export function smallSpec(config: ZooConfig): NetworkSpec {
  return {
    body: [
      convNode(config, "conv1", 32, 3),
      { kind: "maxPool", name: "pool1", size: 2, strides: 2, padding: "valid" },
      convNode(config, "conv2", 64, 3),
      { kind: "maxPool", name: "pool2", size: 2, strides: 2, padding: "valid" },
      convNode(config, "conv3", 128, 3),
      ...camConvNodes(config),
    ],
  };
}

/**
 * A GraphModel written by hand as a TensorFlow GraphDef (what tensorflowjs_converter emits) and run by
 * tfjs-converter: x → Conv2D/Conv3D → BiasAdd → Relu → Mean over the spatial axes → _FusedMatMul (+ BiasAdd)
 * → Softmax → Identity, every node under the prefix "net/". Seeded weights; the same numbers are returned so
 * that tests can compute the maps by hand.
 */
import * as tf from "../../lib/tf.ts";
import { type GraphModel, loadGraphModel } from "@tensorflow/tfjs-converter";
import type { GraphNode } from "../../lib/foreign/mod.ts";
import { Rng } from "../../lib/rng.ts";

/** The weights of the hand graph (row-major, TensorFlow layouts). */
export interface HandGraphWeights {
  /** `[3, 3, 1, 4]` or `[3, 3, 3, 1, 4]`. */
  kernel: Float32Array;
  bias: Float32Array;
  /** `[4, 3]`. */
  fcKernel: Float32Array;
  fcBias: Float32Array;
}

const ints = (values: number[]) => ({ list: { i: values.map(String) } });
const str = (s: string) => ({ s: btoa(s) });
const float = { type: "DT_FLOAT" };
const constNode = (name: string, shape: number[], dtype = "DT_FLOAT"): GraphNode => ({
  name,
  op: "Const",
  attr: {
    value: { tensor: { dtype, tensorShape: { dim: shape.map((d) => ({ size: String(d) })) } } },
    dtype: { type: dtype },
  },
});

/** The hand graph for 2-D images `[n, 6, 6, 1]` (rank 2) or 3-D volumes `[n, 6, 6, 6, 1]` (rank 3). */
export async function handGraph(
  rank: 2 | 3,
  seed = 1,
): Promise<{ model: GraphModel; weights: HandGraphWeights }> {
  const rng = new Rng(seed);
  const values = (n: number, scale: number) =>
    Float32Array.from({ length: n }, () => scale * (2 * rng.float() - 1));
  const kernelShape = rank === 2 ? [3, 3, 1, 4] : [3, 3, 3, 1, 4];
  const weights: HandGraphWeights = {
    kernel: values(kernelShape.reduce((a, b) => a * b, 1), 1),
    bias: values(4, 0.2).map((v) => v + 0.1),
    fcKernel: values(12, 1),
    fcBias: values(3, 0.5),
  };
  const spatial = rank === 2 ? [6, 6] : [6, 6, 6];
  const ones = new Array(rank + 2).fill(1);
  const nodes: GraphNode[] = [
    {
      name: "x",
      op: "Placeholder",
      attr: {
        shape: { shape: { dim: [-1, ...spatial, 1].map((d) => ({ size: String(d) })) } },
        dtype: float,
      },
    },
    constNode("net/conv/kernel", kernelShape),
    constNode("net/conv/bias", [4]),
    {
      name: `net/conv/Conv${rank}D`,
      op: `Conv${rank}D`,
      input: ["x", "net/conv/kernel"],
      attr: {
        strides: ints(ones),
        dilations: ints(ones),
        padding: str("SAME"),
        data_format: str(rank === 2 ? "NHWC" : "NDHWC"),
        T: float,
      },
    },
    {
      name: "net/conv/BiasAdd",
      op: "BiasAdd",
      input: [`net/conv/Conv${rank}D`, "net/conv/bias"],
      attr: { T: float },
    },
    { name: "net/conv/Relu", op: "Relu", input: ["net/conv/BiasAdd"], attr: { T: float } },
    constNode("net/pool/Mean/reduction_indices", [rank], "DT_INT32"),
    {
      name: "net/pool/Mean",
      op: "Mean",
      input: ["net/conv/Relu", "net/pool/Mean/reduction_indices"],
      attr: { keep_dims: { b: false }, T: float, Tidx: { type: "DT_INT32" } },
    },
    constNode("net/fc/kernel", [4, 3]),
    constNode("net/fc/bias", [3]),
    {
      name: "net/fc/BiasAdd",
      op: "_FusedMatMul",
      input: ["net/pool/Mean", "net/fc/kernel", "net/fc/bias"],
      attr: {
        fused_ops: { list: { s: [btoa("BiasAdd")] } },
        num_args: { i: "1" },
        transpose_a: { b: false },
        transpose_b: { b: false },
        epsilon: { f: 0 },
        T: float,
      },
    },
    { name: "net/fc/Softmax", op: "Softmax", input: ["net/fc/BiasAdd"], attr: { T: float } },
    { name: "Identity", op: "Identity", input: ["net/fc/Softmax"], attr: { T: float } },
  ];
  const specs: tf.io.WeightsManifestEntry[] = [
    { name: "net/conv/kernel", shape: kernelShape, dtype: "float32" },
    { name: "net/conv/bias", shape: [4], dtype: "float32" },
    { name: "net/pool/Mean/reduction_indices", shape: [rank], dtype: "int32" },
    { name: "net/fc/kernel", shape: [4, 3], dtype: "float32" },
    { name: "net/fc/bias", shape: [3], dtype: "float32" },
  ];
  const axes = Int32Array.from({ length: rank }, (_, i) => i + 1);
  const parts = [weights.kernel, weights.bias, axes, weights.fcKernel, weights.fcBias];
  const data = tf.io.concatenateArrayBuffers(parts.map((p) => p.slice().buffer as ArrayBuffer));
  const model = await loadGraphModel(
    tf.io.fromMemory({
      modelTopology: { node: nodes, versions: { producer: 1, minConsumer: 0 } },
      weightSpecs: specs,
      weightData: data,
      format: "graph-model",
    }),
  );
  return { model, weights };
}

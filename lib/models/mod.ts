/**
 * The model zoo: the CAM paper's GAP/GMP networks (Zhou et al., 2016) and the CAM-dMRI backbones,
 * built on plain `@tensorflow/tfjs-core` ops with seeded initialisation, all honouring the
 * {@link CamModel} contract that training and the CAM family code against.
 *
 * Every backbone is cut where its last conv map is large, followed by conv 3x3/1/1 with 1024 units
 * (x width multiplier), global average (GAP) or max (GMP) pooling and a dense softmax classifier:
 * AlexNet after conv5 (13x13 at 227 px), VGG16 after conv5_3 (14x14 at 224), GoogLeNet after
 * inception4e (14x14 at 224), Inception-v3 after mixed_6e (17x17 at 299). `widthMultiplier` and
 * `inputShape` scale the same definitions down to a laptop CPU. Shapes, parameter counts and the heap
 * bytes one training step or inference pass needs ({@link estimateStepMemory}) come from the layer
 * descriptions without allocating anything.
 *
 * 3-D: `createModel3d` builds `small3d-*` and `resnet3d-*` ({@link ZooModel3d}) on volumes
 * `[batch, depth, height, width, channels]`, cut where the CAM grid is 1/4 of the volume, with a classifier
 * or a regression head (GAP → dense 1, e.g. brain age); they honour the same Explainable contract.
 *
 * @example
 * import * as tf from "../tf.ts";
 * import { createModel, outputShapes, saveModel } from "./mod.ts";
 *
 * outputShapes("alexnet-gap").cam_conv; // [13, 13, 1024]
 * const model = createModel("googlenet-gap", { inputShape: [64, 64, 1], numClasses: 2, widthMultiplier: 1 / 8 });
 * const { logits, features } = tf.tidy(() => model.apply(images, { training: false }));
 * await saveModel(model, "experiments/run/checkpoints/final");
 *
 * @module
 */
export type { ApplyOptions, ApplyResult, CamModel, ModelConfig, Pooling } from "./model.ts";
export type { ModelOptions, ZooConfig } from "./config.ts";
export { describeWork, formatBytes, MemoryError, type MemoryErrorDetails, ModelError } from "./errors.ts";
export {
  describeModelRef,
  estimateStepMemory,
  type FitBatchOptions,
  fitBatchSize,
  HEAP_USABLE,
  isHeapExhaustion,
  type LayerVolumes,
  layerVolumes,
  MEMORY_COEFFICIENTS,
  type MemoryModelRef,
  passSize,
  type PassSizeOptions,
  type StepMemory,
  type StepMemoryOptions,
} from "./memory.ts";
export { createModel, createModelFromConfig } from "./create_model.ts";
export {
  canInitFromData,
  type DataInitModel,
  type DataInitOptions,
  type DataInitRecord,
  initFromData,
} from "./data_init.ts";
export { ZooModel } from "./_network.ts";
export { listModels, minInputSize, resolveConfig } from "./registry.ts";
export { reachableOutputStrides, withOutputStride } from "./output_stride.ts";
export { type ModelRef, outputShapes, type ParameterCount, parameterCount } from "./summary.ts";
export { getWeights, modelVariables, setWeights, type SetWeightsOptions, type WeightMap } from "./weights.ts";
export {
  loadModel,
  MODEL_FORMAT,
  MODEL_FORMAT_VERSION,
  type ModelFile,
  saveModel,
  type TensorEntry,
} from "./io.ts";
export type { ConcatNode, ConvNode, LayerNode, LayerShapes, LrnNode, NetworkSpec, PoolNode } from "./spec.ts";
export { walkLayers } from "./spec.ts";
export type { Head3d, Model3dOptions, Zoo3dConfig } from "./config3d.ts";
export { createModel3d, createModel3dFromConfig } from "./create_model3d.ts";
export { type Apply3dOptions, type Apply3dResult, ZooModel3d } from "./_network3d.ts";
export { listModels3d, resolve3d } from "./registry3d.ts";
export type { Conv3dNode, Layer3dNode, Network3dSpec, Pool3dNode, Residual3dNode } from "./spec3d.ts";
export { inferShapes3d, totalStride3d, walkLayers3d } from "./spec3d.ts";

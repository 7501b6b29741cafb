/**
 * TensorFlow.js for cam-dmri: tfjs-core with its gradient functions registered. tfjs-core's npm bundles
 * leave out `register_all_gradients`; tfjs-layers (same version, tfjs-core as its peer, so the same engine)
 * imports it, which registers every gradient config `tf.grad` needs. Everything in lib/ imports TensorFlow.js
 * through this module, so no code path can run a gradient before they are registered.
 *
 * @example
 * import * as tf from "./tf.ts";
 * const g = tf.grad((x: tf.Tensor) => tf.maxPool(x as tf.Tensor4D, 2, 2, "valid").sum());
 *
 * @module
 */
import "@tensorflow/tfjs-layers";

export * from "@tensorflow/tfjs-core";

/**
 * Identity for the wasm backend without a copy. tfjs-core's engine clones every tensor its gradient tape
 * saves for the backward pass (`saveTensorsForBackwardMode` → `clone` → the `Identity` kernel), and stock
 * tfjs-backend-wasm 4.22's Identity copies the whole buffer each time (`makeOutput` then `set`), where the
 * cpu backend's shares it. Here the output is the input's data id with its reference count raised
 * (`incRef`), as stock wasm's own `Reshape` does: y = x with no bytes moved, freed when the last tensor on
 * the buffer is disposed.
 *
 * Sharing is safe because no kernel writes into an input's heap memory (every wasm, composed and native
 * kernel of lib/backend writes only into buffers it allocated; tfjs's `Variable.assign` swaps data ids).
 * Strings go to the stock kernel.
 *
 * @module
 */
import type * as tf from "../tf.ts";
import type { Info, KernelArgs } from "./_kernel_util.ts";

/** Wraps the stock Identity kernel: numeric tensors share their buffer (y = x, same data id, one more ref). */
export function makeIdentity(stock: tf.KernelFunc | undefined): tf.KernelFunc {
  return ((args: KernelArgs) => {
    const { x } = args.inputs as { x: Info };
    if (x.dtype === "string") {
      if (stock == null) throw new Error("lib/backend: the wasm backend has no Identity kernel for strings");
      return stock(args as unknown as Parameters<tf.KernelFunc>[0]);
    }
    args.backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  }) as unknown as tf.KernelFunc;
}

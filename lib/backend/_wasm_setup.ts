/**
 * Locating and starting the wasm backend: its `.wasm` binaries live next to the package's node bundle in
 * Deno's npm cache, found through `import.meta.resolve`, so this works offline.
 *
 * @module
 */
import { fromFileUrl } from "./_paths.ts";

/** Folder (with trailing slash) holding `tfjs-backend-wasm*.wasm`. */
export function wasmBinaryFolder(): string {
  const bundle = import.meta.resolve("@tensorflow/tfjs-backend-wasm");
  return fromFileUrl(new URL(".", bundle).href);
}

/**
 * Starting the threaded SIMD build of the wasm backend in Deno. tfjs-backend-wasm's node bundle disables
 * threads under Node-like runtimes, and its emscripten glue starts pthreads in a way Deno's
 * `node:worker_threads` rejects. Three patches make it work (measured ~1.4x on 2 cores):
 * 1. the pthread worker script is written to a temporary `.cjs` file (Deno's node workers need a file
 *    path, not a `blob:` URL), with its `Object.assign(global, {self, location, ...})` replaced by a
 *    per-property assignment that skips Deno's getter-only `self` / `location`;
 * 2. the worker reads the main script from the `Blob` it is sent (asynchronously) instead of
 *    `fs.readFileSync` on a `blob:` URL;
 * 3. `worker_threads.Worker` is wrapped so the glue's `new Worker(blobUrl)` gets that file;
 * and, since tfjs caps the thread pool at logical cores / 2, `os.cpus()` reports 2 × threads cores while
 * the backend starts.
 * The glue also sets `globalThis.Worker` to node's Worker; the web Worker is restored afterwards.
 *
 * @module
 */
import { atomicWrite } from "../fs.ts";
import * as tf from "../tf.ts";
import { fromFileUrl } from "./_paths.ts";

const STRING_LITERAL = /var wasmWorkerContents = ("(?:[^"\\]|\\.)*");/;

/** The emscripten pthread worker script embedded in the wasm node bundle, patched for Deno. */
export function patchedWorkerScript(bundleSource: string): string {
  const m = STRING_LITERAL.exec(bundleSource);
  if (m == null) throw new Error("wasmWorkerContents not found in the tfjs-backend-wasm node bundle");
  // As tfjs does before making its blob: the script's "\n" escapes arrive as real newlines.
  let src = (JSON.parse(m[1]) as string).replace(/\n/g, "\\n");
  const assign =
    /Object\.assign\(global,\{self:global,require:require,Module:Module,location:\{href:__filename\},/;
  if (!assign.test(src)) throw new Error("unexpected pthread worker script (global assignment)");
  src = src.replace(
    assign,
    "((o)=>{for(const k of Object.keys(o)){try{global[k]=o[k]}catch(_){}}})({self:global,require:require," +
      "Module:Module,location:{href:__filename},",
  );
  const load =
    'if(typeof e.data.urlOrBlob=="string"){importScripts(e.data.urlOrBlob)}else{var objectUrl=URL.createObjectURL(e.data.urlOrBlob);importScripts(objectUrl);URL.revokeObjectURL(objectUrl)}WasmBackendModuleThreadedSimd(Module)';
  if (!src.includes(load)) throw new Error("unexpected pthread worker script (main script loading)");
  src = src.replace(
    load,
    'if(typeof e.data.urlOrBlob=="string"){importScripts(e.data.urlOrBlob);WasmBackendModuleThreadedSimd(Module)}' +
      "else{e.data.urlOrBlob.text().then(t=>{(0,eval)(t);WasmBackendModuleThreadedSimd(Module)})}",
  );
  // The factory's source (evaluated in the worker) refers to the rollup bundle's module-scope names.
  const scope = 'globalThis.require$$0=require("fs");globalThis.require$$1=require("path");' +
    'globalThis.require$$3=require("perf_hooks");globalThis.require$$4=require("os");' +
    "globalThis.commonjsGlobal=globalThis;";
  return scope + src;
}

type WorkerThreads = { Worker: new (url: string | URL, options?: unknown) => unknown };

/**
 * Prepares the patches and runs `start` (which must initialise the wasm backend) with them in place.
 * Returns what `start` returns; the patches are undone afterwards.
 */
export async function withThreadedWasm<T>(
  threads: number,
  start: () => Promise<T>,
  scriptDir?: string,
): Promise<T> {
  const bundlePath = fromFileUrl(import.meta.resolve("@tensorflow/tfjs-backend-wasm"));
  const script = patchedWorkerScript(await Deno.readTextFile(bundlePath));
  // node:worker_threads wants an absolute path. In a given folder the script keeps one name per tfjs version
  // (written atomically, reused by later runs); otherwise a fresh OS temp file.
  let file: string;
  if (scriptDir) {
    await Deno.mkdir(scriptDir, { recursive: true });
    file = `${await Deno.realPath(scriptDir)}/tfjs-wasm-pthread-${tf.version_core}.cjs`;
    const existing = await Deno.readTextFile(file).catch(() => null);
    if (existing !== script) await atomicWrite(file, script);
  } else {
    file = await Deno.realPath(await Deno.makeTempFile({ prefix: "tfjs-wasm-pthread-", suffix: ".cjs" }));
    await Deno.writeTextFile(file, script);
  }
  const wt = (await import("node:worker_threads")).default as unknown as WorkerThreads;
  const NodeWorker = wt.Worker;
  const webWorker = globalThis.Worker;
  // tfjs's C++ caps the pool at logical cores / 2 (emscripten asks os.cpus() in Node mode).
  const os = (await import("node:os")).default as unknown as { cpus: () => unknown[] };
  const cpus = os.cpus;
  os.cpus = () => {
    const real = cpus();
    return Array.from({ length: Math.max(real.length, 2 * threads) }, (_, i) => real[i % real.length]);
  };
  wt.Worker = class extends (NodeWorker as new (url: string | URL, options?: unknown) => object) {
    constructor(url: string | URL, options?: unknown) {
      super(String(url).endsWith(".worker.js") || String(url).startsWith("blob:") ? file : url, options);
      // Pthreads (XNNPACK's pool runs forever) must not keep the process alive: emscripten ref()s a worker
      // when it starts a thread on it, so ref is a no-op here.
      (this as unknown as { unref?: () => void }).unref?.();
    }
    ref(): void {}
  } as unknown as WorkerThreads["Worker"];
  try {
    return await start();
  } finally {
    wt.Worker = NodeWorker;
    os.cpus = cpus;
    globalThis.Worker = webWorker;
  }
}

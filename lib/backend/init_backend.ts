/**
 * Picking the TensorFlow.js backend: tensorflow (tfjs-node, native) → webgpu (a real GPU) → wasm (with our
 * training kernels) → cpu, overridable with the `CAM_BACKEND` environment variable.
 *
 * @module
 */
import { CamDmriError } from "../errors.ts";
import * as tf from "../tf.ts";
import { exists, fromFileUrl } from "./_paths.ts";
import { wasmBinaryFolder } from "./_wasm_setup.ts";
import { registerWasmTrainingKernels } from "./wasm_kernels.ts";
import { blasUnavailableReason, loadBlas } from "../native/mod.ts";
import { dnnlUnavailableReason, loadDnnl } from "../native/mod.ts";
import { registerNativeKernels } from "./native_kernels.ts";
import { withThreadedWasm } from "./_wasm_threads.ts";

/** A backend this module can start. */
export type BackendName = "tensorflow" | "webgpu" | "wasm" | "cpu";

/** What to ask for: one backend, or "auto" for the first that works in {@link BACKEND_ORDER}. */
export type BackendChoice = "auto" | BackendName;

/** The order "auto" tries backends in. */
export const BACKEND_ORDER: readonly BackendName[] = ["tensorflow", "webgpu", "wasm", "cpu"];

/** Options of {@link initBackend}. */
export interface BackendOptions {
  /** Backend to use; the `CAM_BACKEND` environment variable overrides it. @default "auto" */
  backend?: BackendChoice;
  /** Accept a CPU-emulated WebGPU adapter (llvmpipe, lavapipe, SwiftShader). @default false */
  allowFallbackAdapter?: boolean;
  /**
   * Threads for the wasm backend. More than 1 starts tfjs's threaded SIMD build through
   * `node:worker_threads` (needs read/write permission for a temporary worker script); if that fails, wasm
   * runs single-threaded and `tried` says why. The `CAM_WASM_THREADS` environment variable overrides it.
   * Only the first wasm start in a process decides. `"auto"`: 1 when oneDNN runs the convolutions (its own
   * threads use every core; wasm threads beside them measured slower), else every core. @default 1
   */
  threads?: number | "auto";
  /**
   * Folder for the threaded build's worker script (a patched copy of tfjs's pthread script).
   * @default the OS temp folder
   */
  workerScriptDir?: string;
  /**
   * Run the wasm backend's convolutions on oneDNN and its matrix products (and, without oneDNN, stride-1
   * convolutions) on a BLAS (OpenBLAS or Accelerate), through FFI on the wasm heap (see
   * {@link registerNativeKernels}), when the libraries load and FFI is permitted. `CAM_DNNL=off` /
   * `CAM_BLAS=off` turn one off, `CAM_DNNL=<library>` / `CAM_BLAS=<library>` pick the file. @default true
   */
  native?: boolean;
  /** Threads of the native libraries' own pools. @default all cores */
  nativeThreads?: number;
  /** Milliseconds allowed for each import / adapter request before giving up on that backend. @default 20000 */
  timeoutMs?: number;
}

/** The WebGPU adapter in use. */
export interface AdapterInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** True for CPU-emulated adapters. */
  isFallbackAdapter: boolean;
}

/** One backend that was tried, and what happened. */
export interface BackendAttempt {
  backend: BackendName;
  ok: boolean;
  /** Why it was (not) used. */
  reason: string;
  /** Time spent on the attempt. */
  ms: number;
}

/** What {@link initBackend} set up. */
export interface BackendInfo {
  /** The active TensorFlow.js backend. */
  name: BackendName;
  /** Compute threads the backend uses (1 for single-threaded wasm and cpu). */
  threads: number;
  /** Whether the wasm SIMD build is in use (false for other backends). */
  simd: boolean;
  /** The WebGPU adapter, for the webgpu backend. */
  adapter?: AdapterInfo;
  /** What was asked for. */
  requested: BackendChoice;
  /** Where the request came from. */
  source: "option" | "env" | "default";
  /** Every backend tried, in order, with the outcome. */
  tried: BackendAttempt[];
  /** Kernels registered by lib/backend for this backend (wasm only). */
  kernels: string[];
  /**
   * The native libraries behind the wasm backend's convs and matrix products (wasm only; null when none
   * loaded, with the reasons in `tried`).
   */
  native: NativeInfo | null;
  /** TensorFlow.js version. */
  tfjs: string;
}

/** The native libraries in use (see {@link BackendOptions.native}). */
export interface NativeInfo {
  /** oneDNN: convolutions. */
  /** `winograd`: 3x3 stride-1 convolutions run as Winograd F(4x4, 3x3) (lib/native `Dnnl.winograd`). */
  dnnl: { library: string; version: string; threads: number; winograd?: boolean } | null;
  /** BLAS: matrix products (and stride-1 convolutions when oneDNN is missing). */
  blas: { library: string; config: string; threads: number } | null;
}

/** A backend could not be set up as asked. */
export class BackendError extends CamDmriError {
  constructor(message: string) {
    super(...CamDmriError.split(message, "backend"));
    this.message = message; // unchanged when it has no "source: " prefix
    this.name = "BackendError";
  }
}

const CHOICES: readonly BackendChoice[] = ["auto", ...BACKEND_ORDER];

/**
 * The backend to ask for: `CAM_BACKEND` (when set and not empty) wins over `options.backend`.
 *
 * @throws {BackendError} when either names an unknown backend.
 */
export function resolveChoice(
  options: BackendOptions = {},
  env: string | undefined = readEnv("CAM_BACKEND"),
): { choice: BackendChoice; source: BackendInfo["source"] } {
  const check = (value: string, from: string): BackendChoice => {
    if (!(CHOICES as readonly string[]).includes(value)) {
      throw new BackendError(`${from}: unknown backend "${value}" (expected one of ${CHOICES.join(", ")})`);
    }
    return value as BackendChoice;
  };
  if (env != null && env.trim() !== "") return { choice: check(env.trim(), "CAM_BACKEND"), source: "env" };
  if (options.backend != null) return { choice: check(options.backend, "initBackend"), source: "option" };
  return { choice: "auto", source: "default" };
}

/** Backends to try, in order, for a choice: "auto" → {@link BACKEND_ORDER}; a name → just that one. */
export function backendOrder(choice: BackendChoice): BackendName[] {
  return choice === "auto" ? [...BACKEND_ORDER] : [choice];
}

function readEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined; // no --allow-env: behave as if unset
  }
}

async function withTimeout<T>(what: string, ms: number, work: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

type Attempt = {
  ok: true;
  reason: string;
  threads?: number;
  simd?: boolean;
  adapter?: AdapterInfo;
  kernels?: string[];
  native?: BackendInfo["native"];
};

/** Where `npm:` packages would be in Deno's cache (next to tfjs-core), or null if unknown. */
function npmCacheScope(): string | null {
  try {
    const core = fromFileUrl(import.meta.resolve("@tensorflow/tfjs-core"));
    const at = core.lastIndexOf("/@tensorflow/");
    return at < 0 ? null : core.slice(0, at + "/@tensorflow/".length);
  } catch {
    return null;
  }
}

async function tryTensorflow(timeoutMs: number): Promise<Attempt> {
  const reasons: string[] = [];
  for (const pkg of ["tfjs-node-gpu", "tfjs-node"]) {
    const name = `@tensorflow/${pkg}`;
    let specifier: string | null = null;
    try {
      import.meta.resolve(name);
      specifier = name; // in the project's import map
    } catch {
      const scope = npmCacheScope();
      if (scope != null && exists(scope + pkg)) specifier = `npm:${name}`;
    }
    if (specifier == null) {
      reasons.push(`${name} is not installed (not in the import map nor Deno's npm cache)`);
      continue;
    }
    try {
      await withTimeout(`import ${specifier}`, timeoutMs, import(specifier));
      if (!(await tf.setBackend("tensorflow"))) throw new Error("tf.setBackend('tensorflow') returned false");
      return { ok: true, reason: `${name} loaded` };
    } catch (e) {
      reasons.push(`${name}: ${(e as Error).message.split("\n")[0]}`);
    }
  }
  throw new Error(reasons.join("; "));
}

function describeAdapter(adapter: GPUAdapter): AdapterInfo {
  const info = (adapter as unknown as { info?: Partial<AdapterInfo> }).info ?? {};
  const text = `${info.vendor ?? ""} ${info.architecture ?? ""} ${info.device ?? ""} ${
    info.description ?? ""
  }`;
  const fallback = Boolean(
    (adapter as unknown as { isFallbackAdapter?: boolean }).isFallbackAdapter ?? info.isFallbackAdapter,
  ) || /llvmpipe|lavapipe|softpipe|swiftshader|software/i.test(text);
  return {
    vendor: String(info.vendor ?? ""),
    architecture: String(info.architecture ?? ""),
    device: String(info.device ?? ""),
    description: String(info.description ?? ""),
    isFallbackAdapter: fallback,
  };
}

async function tryWebgpu(allowFallback: boolean, timeoutMs: number): Promise<Attempt> {
  const gpu = (globalThis.navigator as unknown as { gpu?: GPU }).gpu;
  if (gpu == null) throw new Error("navigator.gpu is not available");
  const adapter = await withTimeout("navigator.gpu.requestAdapter()", timeoutMs, gpu.requestAdapter());
  if (adapter == null) throw new Error("navigator.gpu.requestAdapter() found no adapter");
  const info = describeAdapter(adapter);
  const label = info.description || info.device || info.vendor || "unnamed adapter";
  if (info.isFallbackAdapter && !allowFallback) {
    throw new Error(`adapter "${label}" is a CPU fallback (pass allowFallbackAdapter: true to use it)`);
  }
  await withTimeout(
    "import @tensorflow/tfjs-backend-webgpu",
    timeoutMs,
    import("@tensorflow/tfjs-backend-webgpu"),
  );
  if (!(await withTimeout("tf.setBackend('webgpu')", timeoutMs, tf.setBackend("webgpu")))) {
    throw new Error("tf.setBackend('webgpu') returned false");
  }
  return { ok: true, reason: `adapter "${label}"`, adapter: info, threads: 1 };
}

/** Whether the wasm backend was initialised already (tf.findBackend would start it). */
function wasmStarted(): boolean {
  const registry = (tf.engine() as unknown as { registry: Record<string, unknown> }).registry;
  return registry != null && registry["wasm"] != null;
}

async function tryWasm(
  asked: number | "auto",
  timeoutMs: number,
  scriptDir?: string,
  native: { use: boolean; threads?: number } = { use: true },
): Promise<Attempt> {
  const blas = native.use ? loadBlas({ threads: native.threads }) : null;
  const dnnl = native.use ? loadDnnl({ threads: native.threads }) : null;
  const cores = Math.max(1, globalThis.navigator?.hardwareConcurrency ?? 1);
  const threads = asked === "auto" ? (dnnl ? 1 : cores) : asked;
  const wasm = await import("@tensorflow/tfjs-backend-wasm");
  const folder = wasmBinaryFolder();
  const started = wasmStarted();
  if (!started) {
    try {
      wasm.setWasmPaths(folder);
    } catch { /* already initialised with paths */ }
  }
  let note = "";
  let ready = false;
  if (threads > 1 && !started) {
    // The threaded SIMD build, through node:worker_threads (see _wasm_threads.ts).
    tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", true);
    wasm.setThreadsCount(threads);
    try {
      ready = await withTimeout(
        "the threaded wasm build",
        timeoutMs,
        withThreadedWasm(threads, () => tf.setBackend("wasm"), scriptDir),
      );
      if (!ready) note = "; the threaded build did not start, using 1 thread";
    } catch (e) {
      note = `; the threaded build failed (${(e as Error).message.split("\n")[0]}), using 1 thread`;
    }
    if (!ready) {
      tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
      wasm.setThreadsCount(1);
    }
  }
  if (!ready && !(await tf.setBackend("wasm"))) throw new Error("tf.setBackend('wasm') returned false");
  const kernels = registerWasmTrainingKernels("wasm");
  const simd = Boolean(await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT"));
  const used = wasm.getThreadsCount();
  if (threads > used && note === "") note = ` (${threads} threads asked, ${used} running)`;
  registerNativeKernels({ blas, dnnl }, "wasm");
  const nativeNote = !native.use
    ? "; native libraries off (native: false)"
    : (dnnl
      ? `; convs on oneDNN ${dnnl.version} (${dnnl.threads} threads${dnnl.winograd ? ", Winograd 3x3" : ""})`
      : `; no oneDNN (${dnnlUnavailableReason})`) +
      (blas
        ? `; matMul on ${blas.config} (${blas.threads} threads)`
        : `; no BLAS (${blasUnavailableReason})`);
  return {
    ok: true,
    reason: `wasm binaries from ${folder}${note}${nativeNote}`,
    threads: used,
    simd,
    kernels,
    native: blas || dnnl
      ? {
        blas: blas ? { library: blas.library, config: blas.config, threads: blas.threads } : null,
        dnnl: dnnl
          ? { library: dnnl.library, version: dnnl.version, threads: dnnl.threads, winograd: dnnl.winograd }
          : null,
      }
      : null,
  };
}

async function tryCpu(): Promise<Attempt> {
  await import("@tensorflow/tfjs-backend-cpu");
  if (!(await tf.setBackend("cpu"))) throw new Error("tf.setBackend('cpu') returned false");
  return { ok: true, reason: "pure-JS reference backend", threads: 1 };
}

let current: Promise<BackendInfo> | undefined;

/**
 * Picks, sets and reports the TensorFlow.js backend. With "auto" it tries, in order: `tensorflow`
 * (tfjs-node-gpu, then tfjs-node, when installed), `webgpu` (a real GPU; a CPU fallback adapter only with
 * `allowFallbackAdapter`), `wasm` (SIMD, with the training kernels of {@link registerWasmTrainingKernels})
 * and `cpu`. `CAM_BACKEND` overrides `options.backend`. A named backend that fails throws.
 *
 * Idempotent: later calls return the first call's result (their options are ignored). Importing this module
 * also registers TensorFlow.js's gradient functions, which tfjs-core's npm bundles leave out.
 *
 * @example
 * const info = await initBackend();          // e.g. { name: "wasm", threads: 1, simd: true, ... }
 * const gpu = await initBackend({ backend: "webgpu", allowFallbackAdapter: true });
 */
export function initBackend(options: BackendOptions = {}): Promise<BackendInfo> {
  current ??= start(options).catch((e) => {
    current = undefined;
    throw e;
  });
  return current;
}

/**
 * A one-line description for logs and result rows: "wasm (2 threads) + oneDNN 2.6.3 (Winograd 3x3) + OpenBLAS
 * 0.3.21".
 */
export function describeBackend(info: BackendInfo): string {
  let out = `${info.name} (${info.threads} thread${info.threads === 1 ? "" : "s"})`;
  if (info.native?.dnnl) {
    out += ` + oneDNN ${info.native.dnnl.version}${info.native.dnnl.winograd ? " (Winograd 3x3)" : ""}`;
  }
  if (info.native?.blas) out += ` + ${info.native.blas.config.split(" ").slice(0, 2).join(" ")}`;
  return out;
}

/** Forgets the chosen backend so the next {@link initBackend} selects again (tests only). */
export function _resetBackendForTests(): void {
  current = undefined;
}

async function start(options: BackendOptions): Promise<BackendInfo> {
  const { choice, source } = resolveChoice(options);
  const timeoutMs = options.timeoutMs ?? 20000;
  const envThreads = Number(readEnv("CAM_WASM_THREADS") ?? "");
  const threads = envThreads > 0
    ? Math.floor(envThreads)
    : options.threads === "auto"
    ? "auto"
    : Math.max(1, Math.floor(options.threads ?? 1));
  const tried: BackendAttempt[] = [];
  for (const name of backendOrder(choice)) {
    const t0 = performance.now();
    try {
      const got = name === "tensorflow"
        ? await tryTensorflow(timeoutMs)
        : name === "webgpu"
        ? await tryWebgpu(options.allowFallbackAdapter ?? false, timeoutMs)
        : name === "wasm"
        ? await tryWasm(threads, timeoutMs, options.workerScriptDir, {
          use: options.native ?? true,
          threads: options.nativeThreads,
        })
        : await tryCpu();
      tried.push({ backend: name, ok: true, reason: got.reason, ms: performance.now() - t0 });
      await tf.ready();
      return {
        name,
        threads: got.threads ?? 1,
        simd: got.simd ?? false,
        ...(got.adapter ? { adapter: got.adapter } : {}),
        requested: choice,
        source,
        tried,
        kernels: got.kernels ?? [],
        native: got.native ?? null,
        tfjs: tf.version_core,
      };
    } catch (e) {
      tried.push({ backend: name, ok: false, reason: (e as Error).message, ms: performance.now() - t0 });
    }
  }
  const why = tried.map((t) => `${t.backend}: ${t.reason}`).join("; ");
  throw new BackendError(`initBackend: no backend could be started for "${choice}" (${why})`);
}

import assert from "node:assert/strict";
import { pinLibrary } from "../../lib/native/mod.ts";

const linux = Deno.build.os === "linux";

/** Whether a file whose path contains `fragment` is mapped into this process (read by `cat`: Deno asks for
 * --allow-all to read /proc/self). */
function mapped(fragment: string): boolean {
  const out = new Deno.Command("cat", { args: [`/proc/${Deno.pid}/maps`] }).outputSync();
  return new TextDecoder().decode(out.stdout).includes(fragment);
}

/**
 * The crash of issue 12, replayed deterministically: a worker thread (as each `deno test` file's runtime is)
 * opens the native libraries, starts their thread pools, and ends. Deno then closes its libraries; before
 * they were pinned, that unmapped oneDNN, libgomp and OpenBLAS while their idle threads still sat in them,
 * and the next wake-up jumped to unmapped memory.
 */
async function loadInWorkerAndEnd(): Promise<{ dnnl: boolean; blas: boolean }> {
  const worker = new Worker(new URL("./_native_pin_worker.ts", import.meta.url), { type: "module" });
  const got = await new Promise<{ dnnl: boolean; blas: boolean }>((resolve, reject) => {
    worker.onmessage = (e) => resolve(e.data);
    worker.onerror = (e) => {
      e.preventDefault();
      reject(new Error(e.message));
    };
    worker.postMessage("go");
  });
  worker.terminate();
  // Thread exit and library teardown follow termination asynchronously.
  await new Promise((r) => setTimeout(r, 500));
  return got;
}

const loaded = linux ? await loadInWorkerAndEnd() : { dnnl: false, blas: false };

Deno.test({
  name: "oneDNN and libgomp stay mapped after the runtime that opened them ends" +
    (loaded.dnnl ? "" : " [ignored: needs Linux and libdnnl2]"),
  ignore: !loaded.dnnl,
  fn() {
    assert.ok(mapped("libdnnl.so"), "libdnnl unmapped while its OpenMP threads live");
    assert.ok(mapped("libgomp.so"), "libgomp unmapped while its threads live");
  },
});

Deno.test({
  name: "OpenBLAS unloads with its runtime (its finalizer joins its threads) and loads again" +
    (loaded.blas ? "" : " [ignored: needs Linux and libopenblas0]"),
  ignore: !loaded.blas,
  async fn() {
    // this test file's own runtime never opened OpenBLAS: the worker's load was the only one
    assert.ok(!mapped("libopenblas"), "OpenBLAS still mapped after the runtime that opened it ended");
    const again = await loadInWorkerAndEnd(); // a fresh load, threaded sgemm checked inside, and unload
    assert.ok(again.blas);
    assert.ok(!mapped("libopenblas"));
  },
});

Deno.test({
  name: "pinLibrary loads nothing new and says so",
  ignore: !linux,
  fn() {
    assert.equal(pinLibrary("libcam-dmri-not-a-library.so.9"), false);
    assert.ok(!mapped("libcam-dmri-not-a-library"));
    assert.equal(pinLibrary("libc.so.6"), true);
  },
});

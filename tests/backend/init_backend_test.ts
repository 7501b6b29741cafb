import assert from "node:assert/strict";
import * as tf from "../../lib/tf.ts";
import {
  _resetBackendForTests,
  BACKEND_ORDER,
  BackendError,
  backendOrder,
  describeBackend,
  initBackend,
  resolveChoice,
} from "../../lib/backend/init_backend.ts";

Deno.test("backend selection", async (t) => {
  const saved = Deno.env.get("CAM_BACKEND");
  Deno.env.delete("CAM_BACKEND");
  try {
    await t.step("resolveChoice: CAM_BACKEND overrides the option, which overrides the default", () => {
      assert.deepEqual(resolveChoice({}, undefined), { choice: "auto", source: "default" });
      assert.deepEqual(resolveChoice({ backend: "cpu" }, undefined), { choice: "cpu", source: "option" });
      assert.deepEqual(resolveChoice({ backend: "cpu" }, "wasm"), { choice: "wasm", source: "env" });
      assert.deepEqual(resolveChoice({ backend: "wasm" }, " "), { choice: "wasm", source: "option" });
    });

    await t.step("resolveChoice: unknown names throw BackendError naming the source", () => {
      assert.throws(() => resolveChoice({}, "tpu"), {
        name: "BackendError",
        message: 'CAM_BACKEND: unknown backend "tpu" (expected one of auto, tensorflow, webgpu, wasm, cpu)',
      });
      assert.throws(() => resolveChoice({ backend: "gpu" as "cpu" }, undefined), {
        name: "BackendError",
        message: /^initBackend: unknown backend "gpu"/,
      });
    });

    await t.step(
      "backendOrder: auto falls back tensorflow → webgpu → wasm → cpu; a name is tried alone",
      () => {
        assert.deepEqual(backendOrder("auto"), ["tensorflow", "webgpu", "wasm", "cpu"]);
        assert.deepEqual(BACKEND_ORDER, ["tensorflow", "webgpu", "wasm", "cpu"]);
        assert.deepEqual(backendOrder("cpu"), ["cpu"]);
      },
    );

    await t.step(
      "auto: reports every attempt in order and lands on a working backend; idempotent",
      async () => {
        _resetBackendForTests();
        const info = await initBackend();
        assert.equal(info.requested, "auto");
        assert.equal(info.source, "default");
        assert.equal(tf.getBackend(), info.name);
        const names = info.tried.map((a) => a.backend);
        assert.deepEqual(names, BACKEND_ORDER.slice(0, names.length));
        assert.equal(info.tried.at(-1)!.ok, true);
        assert.ok(info.tried.slice(0, -1).every((a) => !a.ok && a.reason.length > 0));
        if (info.name === "wasm") {
          assert.equal(info.simd, true);
          assert.ok(info.threads >= 1);
          assert.ok(info.kernels.includes("Conv2DBackpropFilter"));
        }
        assert.equal(await initBackend({ backend: "cpu" }), info, "a second call returns the first result");
      },
    );

    await t.step("tensorflow (tfjs-node) fails fast and cleanly when not installed", async () => {
      _resetBackendForTests();
      try {
        const info = await initBackend({ backend: "tensorflow" });
        assert.equal(info.name, "tensorflow"); // installed on this machine
      } catch (e) {
        assert.ok(e instanceof BackendError);
        assert.match(e.message, /^initBackend: no backend could be started for "tensorflow" \(tensorflow: /);
      }
    });

    await t.step("webgpu refuses a CPU fallback adapter unless asked", async () => {
      _resetBackendForTests();
      try {
        const info = await initBackend({ backend: "webgpu" });
        assert.equal(info.adapter?.isFallbackAdapter, false);
      } catch (e) {
        assert.ok(e instanceof BackendError);
        assert.match(e.message, /webgpu: (navigator\.gpu|adapter|.*no adapter)/);
      }
    });

    await t.step("CAM_BACKEND=cpu overrides the option", async () => {
      _resetBackendForTests();
      Deno.env.set("CAM_BACKEND", "cpu");
      const info = await initBackend({ backend: "wasm" });
      assert.equal(info.name, "cpu");
      assert.equal(info.source, "env");
      assert.equal(tf.getBackend(), "cpu");
      Deno.env.delete("CAM_BACKEND");
    });

    await t.step("wasm explicitly", async () => {
      _resetBackendForTests();
      const info = await initBackend({ backend: "wasm" });
      assert.deepEqual([info.name, info.simd, info.tried.length], ["wasm", true, 1]);
      // The native libraries are reported (or why not) in the attempt's reason, and in `native`.
      assert.match(info.tried[0].reason, /oneDNN|BLAS/);
      if (info.native?.dnnl) assert.match(describeBackend(info), / \+ oneDNN 2\.\d+\.\d+/);
    });

    await t.step("describeBackend names threads and native libraries", () => {
      const base = {
        name: "wasm" as const,
        threads: 2,
        simd: true,
        requested: "auto" as const,
        source: "default" as const,
        tried: [],
        kernels: [],
        tfjs: "4.22.0",
      };
      assert.equal(describeBackend({ ...base, native: null }), "wasm (2 threads)");
      assert.equal(
        describeBackend({
          ...base,
          threads: 1,
          native: {
            dnnl: { library: "libdnnl.so.2", version: "2.6.3", threads: 2 },
            blas: { library: "libopenblas.so.0", config: "OpenBLAS 0.3.21 DYNAMIC_ARCH", threads: 2 },
          },
        }),
        "wasm (1 thread) + oneDNN 2.6.3 + OpenBLAS 0.3.21",
      );
      assert.equal(
        describeBackend({
          ...base,
          threads: 1,
          native: {
            dnnl: { library: "libdnnl.so.2", version: "2.6.3", threads: 2, winograd: true },
            blas: null,
          },
        }),
        "wasm (1 thread) + oneDNN 2.6.3 (Winograd 3x3)",
      );
    });
  } finally {
    if (saved != null) Deno.env.set("CAM_BACKEND", saved);
    _resetBackendForTests();
  }
});

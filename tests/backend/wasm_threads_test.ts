import assert from "node:assert/strict";

Deno.test("the threaded wasm build starts with 2 threads and matches cpu (in a worker isolate)", async () => {
  const worker = new Worker(new URL("./_threads_worker.ts", import.meta.url), { type: "module" });
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const result = await Promise.race([
      new Promise<Record<string, unknown>>((resolve) => {
        worker.onmessage = (e) => resolve(e.data);
        worker.postMessage("go");
      }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error("threaded wasm did not answer in 90 s")), 90_000);
      }),
    ]);
    assert.equal(result.error, undefined, String(result.error));
    assert.equal(result.threads, 2, `threads ${result.threads}: ${result.reason}`);
    for (const err of result.errors as number[]) assert.ok(err <= 1e-5, `differs from cpu by ${err}`);
  } finally {
    clearTimeout(timer);
    worker.terminate();
  }
});

/**
 * Runs face-api's own code (the package's bundled dist/face-api.esm.js, with its own TensorFlow.js) on face
 * crops, in a worker so that its TensorFlow.js copy never meets ours. Message in: { dir, pixels (0–255 RGB,
 * [n, 112, 112, 3]), n }; message out: { probabilities } or { error }.
 */
/// <reference lib="deno.worker" />

self.onmessage = async (e: MessageEvent<{ dir: string; pixels: Float32Array; n: number }>) => {
  try {
    const { dir, pixels, n } = e.data;
    // The bundle picks Node's platform when `process` exists; hide it so that it takes the browser-like path.
    const g = globalThis as Record<string, unknown>;
    const saved = g.process;
    delete g.process;
    // deno-lint-ignore no-explicit-any
    const faceapi: any = await import(`file://${dir}/dist/face-api.esm.js`);
    g.process = saved;
    const tf = faceapi.tf;
    tf.setPlatform("deno", {
      fetch: (u: string, i: RequestInit) => fetch(u, i),
      now: () => performance.now(),
      encode: (t: string) => new TextEncoder().encode(t),
      decode: (b: Uint8Array, enc: string) => new TextDecoder(enc).decode(b),
      isTypedArray: (a: unknown) => ArrayBuffer.isView(a) && !(a instanceof DataView),
      setTimeoutCustom: setTimeout,
    });
    await tf.setBackend("cpu");
    const manifest = JSON.parse(
      await Deno.readTextFile(`${dir}/model/face_expression_model-weights_manifest.json`),
    );
    const bin = await Deno.readFile(`${dir}/model/face_expression_model.bin`);
    const net = faceapi.nets.faceExpressionNet;
    await net.loadFromWeightMap(tf.io.decodeWeights(bin.buffer, manifest[0].weights));
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const x = tf.tensor4d(pixels.subarray(i * 112 * 112 * 3, (i + 1) * 112 * 112 * 3), [1, 112, 112, 3]);
      const p = net.forwardInput(new faceapi.NetInput([x]));
      out.push(...await p.data());
      tf.dispose([x, p]);
    }
    self.postMessage({ probabilities: out });
  } catch (err) {
    self.postMessage({ error: String((err as Error)?.stack ?? err) });
  }
};

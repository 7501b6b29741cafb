import * as tf from "../../lib/tf.ts";
import { needs } from "../_skip.ts";
import { join } from "node:path";
import {
  FACE_API_PACKAGE,
  FACE_API_SAMPLE,
  faceCrops,
  loadFaceExpressionNet,
  npmPackageDir,
  readJpeg,
} from "../../lib/foreign/mod.ts";
import { assertClose, useCpu } from "../_helpers.ts";

await useCpu();
const dir = npmPackageDir(FACE_API_PACKAGE.name, FACE_API_PACKAGE.version);
const faceApi = needs(dir != null, "npm:@vladmandic/face-api@1.7.15 in Deno's cache (`deno cache` it once)", {
  inCi: true,
});

Deno.test({
  name: "face-api expression net: our rebuild gives the package's own probabilities" + faceApi.label,
  ignore: faceApi.ignore,
  fn: async () => {
    const photo = await readJpeg(join(dir!, FACE_API_SAMPLE.file));
    const faces = faceCrops(photo, FACE_API_SAMPLE.faces, { size: 112 });
    const net = await loadFaceExpressionNet({ packageDir: dir });
    const ours = tf.tidy(() => tf.softmax(net.apply(faces).logits));
    const pixels = await tf.tidy(() => tf.mul(faces, 255)).data() as Float32Array;
    const worker = new Worker(new URL("./_face_api_worker.ts", import.meta.url), { type: "module" });
    const reply = await new Promise<{ probabilities?: number[]; error?: string }>((resolve) => {
      worker.onmessage = (e) => resolve(e.data);
      worker.postMessage({ dir, pixels, n: FACE_API_SAMPLE.faces.length });
    });
    worker.terminate();
    if (reply.error) throw new Error(`face-api worker: ${reply.error}`);
    assertClose(await ours.data(), reply.probabilities!, 1e-5, "softmax");
    tf.dispose([ours, faces]);
    net.dispose();
  },
});

import assert from "node:assert/strict";
import * as tf from "../../lib/tf.ts";
import { initBackend, readData } from "../../lib/backend/mod.ts";

Deno.test("readData", async (t) => {
  await initBackend();
  await t.step("returns the values", async () => {
    const x = tf.tensor([1, 2, 3]);
    assert.deepEqual(Array.from(await readData(x)), [1, 2, 3]);
    assert.equal(x.isDisposed, false);
    x.dispose();
  });
  await t.step("disposes when asked, even for int32", async () => {
    const x = tf.tensor([4, 5], [2], "int32");
    const values = await readData(x, { dispose: true });
    assert.ok(values instanceof Int32Array);
    assert.deepEqual(Array.from(values), [4, 5]);
    assert.equal(x.isDisposed, true);
  });
});

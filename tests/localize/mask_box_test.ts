import assert from "node:assert/strict";
import { maskBox } from "../../lib/localize/mod.ts";

Deno.test("maskBox", () => {
  assert.deepEqual(maskBox(new Uint8Array([0, 0, 0, 1, 1, 0, 0, 0, 0]), [3, 3]), {
    x0: 0,
    y0: 1,
    x1: 1,
    y1: 1,
  });
  assert.deepEqual(maskBox(new Float32Array([0, 0.5, 0, 0, 0, 2]), [2, 3]), { x0: 1, y0: 0, x1: 2, y1: 1 });
  assert.equal(maskBox(new Uint8Array(4), [2, 2]), null);
  assert.throws(() => maskBox(new Uint8Array(3), [2, 2]), {
    name: "LocalizeError",
    message: "maskBox: mask has 3 values, shape 2x2 needs 4",
  });
});

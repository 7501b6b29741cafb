import assert from "node:assert/strict";
import { resolve } from "../../lib/models/registry.ts";
import { inferShapes, layerOrder, outputLength, totalStride } from "../../lib/models/spec.ts";

Deno.test("layer description", async (t) => {
  await t.step("outputLength: same ⌈n/s⌉, valid ⌊(n−k)/s⌋+1, pad p ⌊(n+2p−k)/s⌋+1", () => {
    assert.equal(outputLength(227, 11, 4, "valid"), 55);
    assert.equal(outputLength(55, 3, 2, "valid"), 27);
    assert.equal(outputLength(112, 3, 2, "same"), 56);
    assert.equal(outputLength(113, 3, 2, "same"), 57);
    assert.equal(outputLength(224, 7, 2, 3), 112);
    assert.equal(outputLength(10, 3, 1, 1), 10);
    assert.equal(outputLength(2, 3, 1, "valid"), 0);
  });
  await t.step("total stride to the CAM layer", () => {
    const stride = (name: string) => totalStride(resolve(name).spec);
    assert.equal(stride("alexnet-gap"), 16);
    assert.equal(stride("vgg16-gap"), 16);
    assert.equal(stride("googlenet-gap"), 16);
    assert.equal(stride("inceptionv3-gap"), 16);
    assert.equal(stride("small-gap"), 4);
  });
  await t.step("layer order lists branch layers before their block", () => {
    const { spec } = resolve("inceptionv3-gap");
    const order = layerOrder(spec);
    assert.equal(order.length, new Set(order).size, "names are unique");
    const i = order.indexOf("mixed_6a");
    assert.deepEqual(order.slice(i - 5, i + 1), [
      "mixed_6a/branch3x3",
      "mixed_6a/branch3x3dbl_1",
      "mixed_6a/branch3x3dbl_2",
      "mixed_6a/branch3x3dbl_3",
      "mixed_6a/max_pool",
      "mixed_6a",
    ]);
    assert.deepEqual(Object.keys(inferShapes(spec, [299, 299, 3])), order);
  });
});

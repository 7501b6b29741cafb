import assert from "node:assert/strict";
import { outputShapes, parameterCount } from "../../lib/models/mod.ts";

// Parameter counts written out from the papers' layer tables, independently of lib/models/spec.ts.
/** Conv with bias: kh·kw·c_in·c_out + c_out. */
const conv = (k: number, cin: number, cout: number) => k * k * cin * cout + cout;
/** Conv (kernel area `area`) + batch norm: weights, then γ and β; no bias. */
const convBn = (area: number, cin: number, cout: number) => area * cin * cout + 2 * cout;
const dense = (k: number, classes: number) => k * classes + classes;

Deno.test("outputShapes at paper size (no allocation)", async (t) => {
  await t.step("AlexNet-GAP at 227: conv1 55, pool1 27, pool2 13, CAM map 13x13x1024", () => {
    for (const name of ["alexnet-gap", "alexnet-gmp", "alexnet-star-gap", "alexnet-bn-gap"]) {
      const s = outputShapes(name);
      assert.deepEqual(s.conv1, [55, 55, 96]);
      assert.deepEqual(s.pool1, [27, 27, 96]);
      assert.deepEqual(s.pool2, [13, 13, 256]);
      assert.deepEqual(s.conv5, [13, 13, 256]);
      assert.deepEqual(s.cam_conv, [13, 13, 1024], name);
    }
    assert.deepEqual(outputShapes("alexnet-gap").gap, [1024]);
    assert.deepEqual(outputShapes("alexnet-gmp").gmp, [1024]);
    assert.deepEqual(outputShapes("alexnet-gap").logits, [1000]);
  });
  await t.step("VGG16-GAP at 224: conv5_3 and the CAM map 14x14", () => {
    for (const name of ["vgg16-gap", "vgg16-gmp"]) {
      const s = outputShapes(name);
      assert.deepEqual(s.conv1_2, [224, 224, 64]);
      assert.deepEqual(s.pool4, [14, 14, 512]);
      assert.deepEqual(s.conv5_3, [14, 14, 512]);
      assert.deepEqual(s.cam_conv, [14, 14, 1024]);
      assert.equal(s.pool5, undefined, "pool5 is removed");
    }
  });
  await t.step("GoogLeNet-GAP at 224: 112 → 56 → 28 → 14, inception4e 14x14x832", () => {
    for (const name of ["googlenet-gap", "googlenet-gmp"]) {
      const s = outputShapes(name);
      assert.deepEqual(s.conv1, [112, 112, 64]);
      assert.deepEqual(s.pool1, [56, 56, 64]);
      assert.deepEqual(s.pool2, [28, 28, 192]);
      assert.deepEqual(s.inception3a, [28, 28, 256]);
      assert.deepEqual(s.inception3b, [28, 28, 480]);
      assert.deepEqual(s.inception4a, [14, 14, 512]);
      assert.deepEqual(s.inception4d, [14, 14, 528]);
      assert.deepEqual(s.inception4e, [14, 14, 832]);
      assert.deepEqual(s["inception4e/5x5"], [14, 14, 128]);
      assert.deepEqual(s.cam_conv, [14, 14, 1024]);
      assert.equal(s.inception5a, undefined);
    }
  });
  await t.step("Inception-v3-GAP at 299: 149, 147, 73, 71, 35, mixed_6e 17x17x768", () => {
    const s = outputShapes("inceptionv3-gap");
    assert.deepEqual(s.conv2d_1a_3x3, [149, 149, 32]);
    assert.deepEqual(s.conv2d_2b_3x3, [147, 147, 64]);
    assert.deepEqual(s.maxpool_3a_3x3, [73, 73, 64]);
    assert.deepEqual(s.conv2d_4a_3x3, [71, 71, 192]);
    assert.deepEqual(s.mixed_5b, [35, 35, 256]);
    assert.deepEqual(s.mixed_5d, [35, 35, 288]);
    assert.deepEqual(s.mixed_6a, [17, 17, 768]);
    assert.deepEqual(s["mixed_6e/branch7x7dbl_3"], [17, 17, 192]);
    assert.deepEqual(s.cam_conv, [17, 17, 1024]);
  });
  await t.step("width and input size scale the same definitions", () => {
    const s = outputShapes("vgg16-gap", { inputShape: [64, 48, 1], widthMultiplier: 1 / 8, numClasses: 2 });
    assert.deepEqual(s.conv1_1, [64, 48, 8]);
    assert.deepEqual(s.cam_conv, [4, 3, 128]);
    assert.deepEqual(s.logits, [2]);
    assert.deepEqual(outputShapes("small-gap").conv3, [16, 16, 128]);
  });
});

Deno.test("parameterCount at paper width equals the architecture counted by hand", async (t) => {
  await t.step("VGG16-GAP: conv1_1 .. conv5_3 + cam conv + classifier", () => {
    const expected = conv(3, 3, 64) + conv(3, 64, 64) +
      conv(3, 64, 128) + conv(3, 128, 128) +
      conv(3, 128, 256) + conv(3, 256, 256) + conv(3, 256, 256) +
      conv(3, 256, 512) + conv(3, 512, 512) + conv(3, 512, 512) +
      conv(3, 512, 512) + conv(3, 512, 512) + conv(3, 512, 512) +
      conv(3, 512, 1024) + dense(1024, 1000);
    assert.equal(expected, 20_459_304);
    assert.deepEqual(parameterCount("vgg16-gap"), { trainable: expected, state: 0, total: expected });
    assert.equal(
      parameterCount("vgg16-gmp", { numClasses: 2 }).trainable,
      expected - dense(1024, 1000) + dense(1024, 2),
    );
  });
  await t.step("AlexNet-GAP, AlexNet*-GAP and AlexNet-BN-GAP (ungrouped convs)", () => {
    const body = conv(11, 3, 96) + conv(5, 96, 256) + conv(3, 256, 384) + conv(3, 384, 384) +
      conv(3, 384, 256);
    const gap = body + conv(3, 256, 1024) + dense(1024, 1000);
    assert.equal(parameterCount("alexnet-gap").trainable, gap);
    assert.equal(parameterCount("alexnet-gmp").trainable, gap);
    assert.equal(
      parameterCount("alexnet-star-gap").trainable,
      body + conv(3, 256, 1024) + conv(3, 1024, 1024) + conv(3, 1024, 1024) + dense(1024, 1000),
    );
    const bn = convBn(121, 3, 96) + convBn(25, 96, 256) + convBn(9, 256, 384) + convBn(9, 384, 384) +
      convBn(9, 384, 256) + convBn(9, 256, 1024) + dense(1024, 1000);
    const state = 2 * (96 + 256 + 384 + 384 + 256 + 1024);
    assert.deepEqual(parameterCount("alexnet-bn-gap"), { trainable: bn, state, total: bn + state });
  });
  await t.step(
    "GoogLeNet-GAP: stem + inception3a .. 4e (Szegedy et al., Table 1) + cam conv + classifier",
    () => {
      const inception = (
        cin: number,
        c1: number,
        c3r: number,
        c3: number,
        c5r: number,
        c5: number,
        cp: number,
      ) =>
        conv(1, cin, c1) + conv(1, cin, c3r) + conv(3, c3r, c3) + conv(1, cin, c5r) + conv(5, c5r, c5) +
        conv(1, cin, cp);
      const expected = conv(7, 3, 64) + conv(1, 64, 64) + conv(3, 64, 192) +
        inception(192, 64, 96, 128, 16, 32, 32) + // 3a → 256
        inception(256, 128, 128, 192, 32, 96, 64) + // 3b → 480
        inception(480, 192, 96, 208, 16, 48, 64) + // 4a → 512
        inception(512, 160, 112, 224, 24, 64, 64) + // 4b → 512
        inception(512, 128, 128, 256, 24, 64, 64) + // 4c → 512
        inception(512, 112, 144, 288, 32, 64, 64) + // 4d → 528
        inception(528, 256, 160, 320, 32, 128, 128) + // 4e → 832
        conv(3, 832, 1024) + dense(1024, 1000);
      assert.deepEqual(parameterCount("googlenet-gap"), { trainable: expected, state: 0, total: expected });
    },
  );
  await t.step("Inception-v3-GAP: stem + mixed_5b .. 6e (torchvision's blocks), all conv + BN", () => {
    const a = (cin: number, pf: number) =>
      convBn(1, cin, 64) + convBn(1, cin, 48) + convBn(25, 48, 64) +
      convBn(1, cin, 64) + convBn(9, 64, 96) + convBn(9, 96, 96) + convBn(1, cin, pf);
    const b = (cin: number) =>
      convBn(9, cin, 384) + convBn(1, cin, 64) + convBn(9, 64, 96) + convBn(9, 96, 96);
    const c = (c7: number) =>
      convBn(1, 768, 192) +
      convBn(1, 768, c7) + convBn(7, c7, c7) + convBn(7, c7, 192) +
      convBn(1, 768, c7) + 3 * convBn(7, c7, c7) + convBn(7, c7, 192) +
      convBn(1, 768, 192);
    const trainable = convBn(9, 3, 32) + convBn(9, 32, 32) + convBn(9, 32, 64) + convBn(1, 64, 80) +
      convBn(9, 80, 192) + a(192, 32) + a(256, 64) + a(288, 64) + b(288) + c(128) + c(160) + c(160) + c(192) +
      convBn(9, 768, 1024) + dense(1024, 1000);
    const count = parameterCount("inceptionv3-gap");
    assert.equal(count.trainable, trainable);
    // State: a moving mean and variance per BN channel, i.e. 2 x the output channels of every conv.
    const channelsA = (pf: number) => 64 + 48 + 64 + 64 + 96 + 96 + pf;
    const channelsC = (c7: number) => 192 + (c7 + c7 + 192) + (c7 + 3 * c7 + 192) + 192;
    const channels = 32 + 32 + 64 + 80 + 192 + channelsA(32) + channelsA(64) + channelsA(64) +
      (384 + 64 + 96 + 96) + channelsC(128) + channelsC(160) + channelsC(160) + channelsC(192) + 1024;
    assert.equal(count.state, 2 * channels);
    assert.equal(count.total, count.trainable + count.state);
  });
  await t.step("small-gap at width 1 is model R: 3 convs (32, 64, 128) + dense(2)", () => {
    const expected = conv(3, 1, 32) + conv(3, 32, 64) + conv(3, 64, 128) + dense(128, 2);
    assert.equal(parameterCount("small-gap").trainable, expected);
  });
});

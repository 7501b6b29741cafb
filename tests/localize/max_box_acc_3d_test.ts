import assert from "node:assert/strict";
import {
  boxFromVolume,
  connectedComponents3d,
  iou3d,
  max3dBoxAcc,
  max3dBoxAccV2,
  maxBoxAcc,
  pxap,
  vxap,
} from "../../lib/localize/mod.ts";

/** A volume [d, h, w] with value v inside each box [x0, y0, z0, x1, y1, z1, v] (later boxes overwrite). */
function volume(d: number, h: number, w: number, parts: number[][]): Float32Array {
  const out = new Float32Array(d * h * w);
  for (const [x0, y0, z0, x1, y1, z1, v] of parts) {
    for (let z = z0; z <= z1; z++) {
      for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) out[(z * h + y) * w + x] = v;
    }
  }
  return out;
}

const box = (x0: number, y0: number, z0: number, x1: number, y1: number, z1: number) => ({
  x0,
  y0,
  z0,
  x1,
  y1,
  z1,
});

Deno.test("3-D boxes: components, the largest component's box, IoU", async (t) => {
  await t.step(
    "voxels touching at a corner join only with 26-connectivity, at an edge with 18 and 26",
    () => {
      const corner = volume(2, 2, 2, [[0, 0, 0, 0, 0, 0, 1], [1, 1, 1, 1, 1, 1, 1]]);
      assert.equal(connectedComponents3d(corner, [2, 2, 2]).count, 1);
      assert.equal(connectedComponents3d(corner, [2, 2, 2], { connectivity: 18 }).count, 2);
      const edge = volume(2, 2, 2, [[0, 0, 0, 0, 0, 0, 1], [1, 1, 0, 1, 1, 0, 1]]);
      assert.equal(connectedComponents3d(edge, [2, 2, 2], { connectivity: 18 }).count, 1);
      assert.equal(connectedComponents3d(edge, [2, 2, 2], { connectivity: 6 }).count, 2);
      const c = connectedComponents3d(volume(4, 5, 6, [[1, 2, 0, 3, 2, 2, 1]]), [4, 5, 6]);
      assert.deepEqual(c.boxes, [box(1, 2, 0, 3, 2, 2)]);
      assert.deepEqual(c.sizes, [9]);
    },
  );

  await t.step("boxFromVolume keeps voxels above τ·max and boxes the largest component", () => {
    const v = volume(6, 6, 6, [[0, 0, 0, 1, 1, 1, 0.5], [3, 3, 3, 5, 5, 4, 1]]);
    assert.deepEqual(boxFromVolume(v, [6, 6, 6]), box(3, 3, 3, 5, 5, 4));
    assert.deepEqual(boxFromVolume(v, [6, 6, 6], { threshold: 0.6 }), box(3, 3, 3, 5, 5, 4));
    assert.equal(boxFromVolume(new Float32Array(216), [6, 6, 6]), null);
    assert.throws(() => boxFromVolume(v, [6, 6] as unknown as [number, number, number]), {
      name: "LocalizeError",
      message: "boxFromVolume: shape must be [depth, height, width] of positive integers, got [6,6]",
    });
  });

  await t.step("iou3d counts voxels inclusively", () => {
    assert.equal(iou3d(box(0, 0, 0, 1, 1, 1), box(1, 0, 0, 2, 1, 1)), 4 / 12);
    assert.equal(iou3d(box(0, 0, 0, 0, 0, 0), box(0, 0, 0, 0, 0, 0)), 1);
    assert.equal(iou3d(box(0, 0, 0, 1, 1, 1), null), 0);
  });
});

Deno.test("Max3DBoxAcc, Max3DBoxAccV2 and VxAP", async (t) => {
  await t.step("a volume that is exactly the true box scores 1 at every τ", () => {
    const maps = volume(6, 6, 6, [[1, 2, 0, 4, 3, 5, 1]]);
    const r = max3dBoxAcc({ maps, shape: [1, 6, 6, 6] }, [[box(1, 2, 0, 4, 3, 5)]]);
    assert.equal(r.value, 1);
    assert.ok(r.accuracy[0].every((a) => a === 1));
  });

  await t.step("a box half off the truth fails at δ = 0.5, passes at δ = 0.3", () => {
    const maps = volume(4, 4, 8, [[2, 0, 0, 5, 3, 3, 1]]);
    const truth = [[box(0, 0, 0, 3, 3, 3)]];
    assert.equal(max3dBoxAcc({ maps, shape: [1, 4, 4, 8] }, truth).value, 0);
    assert.equal(max3dBoxAcc({ maps, shape: [1, 4, 4, 8] }, truth, { iouThresholds: [0.3] }).value, 1);
  });

  await t.step(
    "one slice deep, it is MaxBoxAcc of the same map (26-connected in a plane = 8-connected)",
    () => {
      const maps = new Float32Array(3 * 64);
      for (let i = 0; i < maps.length; i++) maps[i] = Math.abs(Math.sin(0.37 * i) * Math.cos(0.11 * i * i));
      const flat = [[{ x0: 1, y0: 1, x1: 4, y1: 5 }], [{ x0: 0, y0: 2, x1: 7, y1: 6 }], [{
        x0: 3,
        y0: 0,
        x1: 6,
        y1: 3,
      }]];
      const deep = flat.map((boxes) => boxes.map((b) => box(b.x0, b.y0, 0, b.x1, b.y1, 0)));
      for (const multiContour of [false, true]) {
        const two = maxBoxAcc({ maps, shape: [3, 8, 8] }, flat, { multiContour, iouThresholds: [0.3, 0.5] });
        const three = max3dBoxAcc({ maps, shape: [3, 1, 8, 8] }, deep, {
          multiContour,
          iouThresholds: [0.3, 0.5],
        });
        assert.deepEqual(three.accuracy, two.accuracy);
        assert.equal(three.value, two.value);
      }
    },
  );

  await t.step("V2 scores every component's box: a small exact blob beside a large wrong one counts", () => {
    const maps = volume(8, 8, 8, [[0, 0, 0, 4, 4, 4, 1], [6, 6, 6, 7, 7, 7, 1]]);
    const truth = [[box(6, 6, 6, 7, 7, 7)]];
    assert.equal(
      max3dBoxAcc({ maps, shape: [1, 8, 8, 8] }, truth, { iouThresholds: [0.3, 0.5, 0.7] }).value,
      0,
    );
    const v2 = max3dBoxAccV2({ maps, shape: [1, 8, 8, 8] }, truth);
    assert.equal(v2.value, 1);
    assert.deepEqual(v2.maxAccuracy, [1, 1, 1]);
  });

  await t.step("VxAP is PxAP over the voxels of every volume together", () => {
    const maps = new Float32Array(2 * 27);
    const masks = new Uint8Array(2 * 27);
    for (let i = 0; i < maps.length; i++) {
      maps[i] = (i * 7919 % 101) / 100;
      masks[i] = maps[i] > 0.6 || i % 5 === 0 ? 1 : 0;
    }
    assert.equal(vxap({ maps, shape: [2, 3, 3, 3] }, masks), pxap(maps, masks));
    const perfect = Uint8Array.from(maps, (v) => (v > 0.5 ? 1 : 0));
    assert.equal(vxap({ maps, shape: [2, 3, 3, 3] }, perfect), 1);
    assert.throws(() => vxap({ maps, shape: [2, 3, 3, 3] }, new Uint8Array(5)), {
      name: "LocalizeError",
      message: "vxap: maps hold 54 voxels but the masks 5",
    });
    assert.throws(() => vxap({ maps, shape: [2, 3, 3, 3] }, new Uint8Array(54)), {
      name: "LocalizeError",
      message: "vxap: no object pixels (mask value 1) to score",
    });
  });

  await t.step("errors name the function", () => {
    assert.throws(() => max3dBoxAcc({ maps: new Float32Array(8), shape: [1, 2, 2, 2] }, []), {
      name: "LocalizeError",
      message: "max3dBoxAcc: 1 volumes but 0 ground truths",
    });
    assert.throws(() => max3dBoxAcc({ maps: new Float32Array(7), shape: [1, 2, 2, 2] }, [[]]), {
      name: "LocalizeError",
      message: "max3dBoxAcc: maps hold 7 values but shape [1,2,2,2] needs 8",
    });
  });
});

import assert from "node:assert/strict";
import { scaleInto } from "../../lib/nifti/_decode.ts";
import type { VoxelArray } from "../../lib/nifti/mod.ts";

/**
 * out[i] = raw[i]·slope + inter element by element, the reference for scaleInto; unscaled values are
 * assigned as they are (-0 stays -0, as in numpy's astype).
 */
function reference(raw: VoxelArray, out: Float32Array | Float64Array, slope: number, inter: number): void {
  const unscaled = slope === 1 && inter === 0;
  for (let i = 0; i < out.length; i++) out[i] = unscaled ? Number(raw[i]) : Number(raw[i]) * slope + inter;
}

Deno.test("scaleInto matches element-wise conversion for every stored type", async (t) => {
  const edge = [0, -0, 1, -1, 0.1, 16777217, -16777217, 2 ** 31 - 1, -(2 ** 31), 2 ** 32 - 1, 1e-45, 3.5e38];
  const inputs: VoxelArray[] = [
    Uint8Array.from([0, 1, 127, 128, 255]),
    Int8Array.from([-128, -1, 0, 1, 127]),
    Uint16Array.from([0, 1, 65535, 32768]),
    Int16Array.from([-32768, -1, 0, 32767]),
    Uint32Array.from([0, 1, 2 ** 32 - 1, 16777217, 2 ** 31]),
    Int32Array.from([-(2 ** 31), -16777217, 0, 16777217, 2 ** 31 - 1]),
    Float32Array.from([...edge, NaN, Infinity, -Infinity]),
    Float64Array.from([...edge, NaN, Infinity, -Infinity, 1e300, 5e-324]),
    BigInt64Array.from([-(2n ** 63n), -1n, 0n, 2n ** 53n + 1n]),
    BigUint64Array.from([0n, 2n ** 64n - 1n, 2n ** 53n + 1n]),
  ];
  for (const raw of inputs) {
    for (const [slope, inter] of [[1, 0], [2, 0], [0.5, -3], [-1, 0]]) {
      for (const Out of [Float32Array, Float64Array]) {
        await t.step(`${raw.constructor.name} → ${Out.name}, slope ${slope}, inter ${inter}`, () => {
          const got = new Out(raw.length), want = new Out(raw.length);
          scaleInto(raw, got, slope, inter);
          reference(raw, want, slope, inter);
          // Object.is per element: NaN equals NaN, 0 and -0 differ
          for (let i = 0; i < raw.length; i++) {
            assert.ok(Object.is(got[i], want[i]), `element ${i}: ${got[i]} ≠ ${want[i]}`);
          }
        });
      }
    }
  }
});

import assert from "node:assert/strict";
import { fnv1a32 as hashString, mulberry32, streamRng } from "../../lib/rng.ts";
import { normalArray } from "../../lib/models/_rng.ts";

Deno.test("seeded random numbers", async (t) => {
  await t.step("mulberry32 is pinned (initial weights must not change between versions)", () => {
    const r = mulberry32(42);
    assert.deepEqual([r(), r(), r()].map((v) => v.toFixed(10)), PINNED);
    assert.equal(hashString("conv1/kernel"), hashString("conv1/kernel"));
    assert.notEqual(hashString("conv1/kernel"), hashString("conv2/kernel"));
  });
  await t.step("streams depend on (seed, name) only", () => {
    const [a, b, c] = [streamRng(0, "x"), streamRng(0, "x"), streamRng(1, "x")];
    const draw = (r: () => number) => [r(), r()];
    assert.deepEqual(draw(a), draw(b));
    assert.notDeepEqual(draw(streamRng(0, "x")), draw(c));
  });
  await t.step("normalArray: mean ≈ 0, std ≈ σ, odd lengths", () => {
    const v = normalArray(20001, 0.5, mulberry32(1));
    const mean = v.reduce((s, x) => s + x, 0) / v.length;
    const std = Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length);
    assert.ok(Math.abs(mean) < 0.01 && Math.abs(std - 0.5) < 0.01, `${mean} ${std}`);
    assert.ok(v.every(Number.isFinite));
  });
});

// mulberry32(42)'s first three draws (the reference JavaScript implementation gives the same).
const PINNED = ["0.6011037519", "0.4482905590", "0.8524657935"];

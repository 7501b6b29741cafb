import assert from "node:assert/strict";
import { Rng } from "../lib/rng.ts";

Deno.test("Rng", async (t) => {
  await t.step("same seed, same stream; different seeds differ", () => {
    const a = new Rng(42), b = new Rng(42), c = new Rng(43);
    const xs = Array.from({ length: 8 }, () => a.uint32());
    assert.deepEqual(Array.from({ length: 8 }, () => b.uint32()), xs);
    assert.notDeepEqual(Array.from({ length: 8 }, () => c.uint32()), xs);
  });

  await t.step("state round-trips exactly", () => {
    const a = new Rng(7);
    for (let i = 0; i < 5; i++) a.float();
    const b = Rng.fromState(a.getState());
    assert.deepEqual(
      Array.from({ length: 20 }, () => b.normal()),
      Array.from({ length: 20 }, () => a.normal()),
    );
  });

  await t.step("uniform, int and normal have the right moments", () => {
    const rng = new Rng(1);
    const n = 20000;
    let sum = 0, sq = 0, usum = 0;
    const counts = new Array(5).fill(0);
    for (let i = 0; i < n; i++) {
      const z = rng.normal();
      sum += z;
      sq += z * z;
      usum += rng.float();
      counts[rng.int(5)]++;
    }
    assert.ok(Math.abs(sum / n) < 0.03);
    assert.ok(Math.abs(sq / n - 1) < 0.05);
    assert.ok(Math.abs(usum / n - 0.5) < 0.01);
    for (const c of counts) assert.ok(Math.abs(c / n - 0.2) < 0.02);
  });

  await t.step("shuffle is a permutation", () => {
    const a = new Rng(3).shuffle(Array.from({ length: 50 }, (_, i) => i));
    assert.deepEqual([...a].sort((x, y) => x - y), Array.from({ length: 50 }, (_, i) => i));
    assert.notDeepEqual(a, Array.from({ length: 50 }, (_, i) => i));
  });

  await t.step("bad state is rejected", () => {
    assert.throws(() => new Rng(1).setState([1, 2] as never), { name: "TypeError", message: /four 32-bit/ });
  });
});

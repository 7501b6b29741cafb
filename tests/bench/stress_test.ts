import assert from "node:assert/strict";
import { classify, DEFAULT_FILES, parseStressArgs } from "../../bench/stress.ts";

Deno.test("stress: arguments and outcomes", async (t) => {
  await t.step("defaults: 50 runs idle and loaded, the default files", () => {
    const o = parseStressArgs([]);
    assert.equal(o.runs, 50);
    assert.deepEqual(o.load, ["off", "on"]);
    assert.deepEqual(o.files, [...DEFAULT_FILES]);
    for (const f of DEFAULT_FILES) assert.ok(Deno.statSync(new URL(`../../${f}`, import.meta.url)), f);
  });
  await t.step("flags", () => {
    const o = parseStressArgs([
      "--runs",
      "5",
      "--load",
      "on",
      "--burners",
      "3",
      "--timeout",
      "9",
      "a_test.ts",
    ]);
    assert.deepEqual([o.runs, o.load, o.burners, o.timeoutS, o.files], [5, ["on"], 3, 9, ["a_test.ts"]]);
    assert.throws(() => parseStressArgs(["--runs", "0"]), /positive integer/);
    assert.throws(() => parseStressArgs(["--load", "maybe"]), /on, off or both/);
    assert.throws(() => parseStressArgs(["--what"]), /unknown flag/);
  });
  await t.step("a signal or 128 + signal is a crash; a timeout a hang", () => {
    assert.equal(classify({ code: 0, signal: null }, false), "ok");
    assert.equal(classify({ code: 1, signal: null }, false), "failed");
    assert.equal(classify({ code: 139, signal: null }, false), "crashed");
    assert.equal(classify({ code: 134, signal: null }, false), "crashed");
    assert.equal(classify({ code: 1, signal: "SIGSEGV" }, false), "crashed");
    assert.equal(classify({ code: 137, signal: "SIGKILL" }, true), "hung");
  });
});

import assert from "node:assert/strict";
import { type CohortFlags, cohortFlags, eachFlag, type Usage } from "../../lib/cli/_args.ts";

const usage: Usage = (message) => {
  throw new Error(message ?? "usage");
};

/** The tools' way: the shared cohort flags first, then the tool's own (here only --out). */
function parse(argv: string[], options?: { data?: boolean }): CohortFlags & { out?: string } {
  const args: CohortFlags & { out?: string } = { scale: "default" };
  const cohort = cohortFlags(args, usage, options);
  eachFlag(argv, usage, (flag, value) => {
    if (cohort(flag, value)) return true;
    if (flag !== "--out") return false;
    args.out = value();
    return true;
  });
  return args;
}

Deno.test("cohortFlags: --data, --scale and --seed as every tool takes them; the rest is the tool's", () => {
  assert.deepEqual(parse(["--data", "d", "--scale=quick", "--seed", "-3", "--out", "o"]), {
    scale: "quick",
    data: "d",
    seed: -3,
    out: "o",
  });
  assert.deepEqual(parse([]), { scale: "default" });
  assert.throws(() => parse(["--scale", "huge"]), /unknown scale "huge"/);
  assert.throws(() => parse(["--seed", "1.5"]), /--seed must be an integer/);
  assert.throws(() => parse(["--seed"]), /--seed needs a value/);
  // A tool without --data (simulate) leaves it unknown.
  assert.throws(() => parse(["--data", "d"], { data: false }), /unknown argument "--data"/);
});

/** Model variables to and from named arrays (checkpoints, best-epoch snapshots). Private to lib/train. */
import * as tf from "../tf.ts";
import { TrainError } from "./errors.ts";
import type { NamedArray } from "./optimizer.ts";

/** Read variables into named arrays, sorted by key (await data(): works on every backend). */
export async function readVariables(vars: Record<string, tf.Variable>): Promise<Record<string, NamedArray>> {
  const out: Record<string, NamedArray> = {};
  for (const key of Object.keys(vars).sort()) {
    const v = vars[key];
    if (v.dtype !== "float32") {
      throw new TrainError(`checkpoint: variable ${key} is ${v.dtype}, only float32 is saved`);
    }
    out[key] = { shape: [...v.shape], values: (await v.data()) as Float32Array };
  }
  return out;
}

/** Assign saved arrays to the model's variables; names and shapes must match (`where` names the source). */
export function assignVariables(
  where: string,
  vars: Record<string, tf.Variable>,
  saved: Record<string, NamedArray>,
): void {
  const names = Object.keys(vars).sort(), savedNames = Object.keys(saved).sort();
  const missing = names.filter((n) => !(n in saved)), extra = savedNames.filter((n) => !(n in vars));
  if (missing.length || extra.length) {
    throw new TrainError(
      `${where}: variables do not match the model (missing: ${missing.join(", ") || "none"}; ` +
        `unknown: ${extra.join(", ") || "none"})`,
    );
  }
  for (const n of names) {
    const { shape, values } = saved[n];
    if (shape.join("x") !== vars[n].shape.join("x")) {
      throw new TrainError(
        `${where}: variable ${n} has shape ${shape.join("x")}, model has ${vars[n].shape.join("x")}`,
      );
    }
    tf.tidy(() => vars[n].assign(tf.tensor(values, shape, "float32")));
  }
}

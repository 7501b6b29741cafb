/**
 * Learning-rate schedules, evaluated per optimizer step.
 *
 * @module
 */
import { CamDmriError } from "../errors.ts";

/** A schedule's shape. Epochs may be fractional. */
export type ScheduleOptions =
  | { kind: "constant" }
  /** η = η₀ · γ^⌊epoch / stepSize⌋. */
  | { kind: "step"; stepSize: number; gamma?: number }
  /** η = η_min + (η₀ − η_min)(1 + cos(π τ))/2, τ = progress after warm-up in [0, 1]. */
  | { kind: "cosine"; minLearningRate?: number };

/** Options of {@linkcode learningRateAt}. */
export interface LearningRateOptions {
  /** Base learning rate η₀. */
  learningRate: number;
  /** Schedule. @default { kind: "constant" } */
  schedule?: ScheduleOptions;
  /** Optimizer steps per epoch. */
  stepsPerEpoch: number;
  /** Total epochs (the cosine schedule reaches η_min at the end). */
  epochs: number;
  /** Linear warm-up epochs: η ramps as η · (s + 1)/S over the first S = round(warmupEpochs · stepsPerEpoch) steps. @default 0 */
  warmupEpochs?: number;
}

/** Raised on an unknown schedule or impossible schedule options. */
export class ScheduleError extends CamDmriError {
  constructor(message: string) {
    super(...CamDmriError.split(message, "schedule"));
    this.message = message; // unchanged when it has no "source: " prefix
    this.name = "ScheduleError";
  }
}

/**
 * Learning rate of optimizer step `step` (0-based), with epoch = step / stepsPerEpoch.
 *
 * @example
 * learningRateAt(250, { learningRate: 0.1, schedule: { kind: "step", stepSize: 2, gamma: 0.1 }, stepsPerEpoch: 100, epochs: 10 }); // 0.01
 */
export function learningRateAt(step: number, options: LearningRateOptions): number {
  const { learningRate: base, schedule = { kind: "constant" }, stepsPerEpoch, epochs, warmupEpochs = 0 } =
    options;
  const warmupSteps = Math.round(warmupEpochs * stepsPerEpoch);
  if (step < warmupSteps) return (base * (step + 1)) / warmupSteps;
  const epoch = step / stepsPerEpoch;
  switch (schedule.kind) {
    case "constant":
      return base;
    case "step": {
      if (!(schedule.stepSize > 0)) {
        throw new ScheduleError(`step schedule: stepSize must be > 0, got ${schedule.stepSize}`);
      }
      return base * Math.pow(schedule.gamma ?? 0.1, Math.floor(epoch / schedule.stepSize));
    }
    case "cosine": {
      const min = schedule.minLearningRate ?? 0;
      const total = epochs * stepsPerEpoch - warmupSteps;
      const tau = total > 0 ? Math.min(1, (step - warmupSteps) / total) : 1;
      return min + ((base - min) * (1 + Math.cos(Math.PI * tau))) / 2;
    }
    default:
      throw new ScheduleError(`unknown schedule "${(schedule as { kind: string }).kind}"`);
  }
}

/**
 * Worker side of {@linkcode simulateCohort}: receives the cohort context once, then runs tasks one at a time.
 *
 * @module
 */
/// <reference lib="deno.worker" />
import type { Anatomy } from "./anatomy.ts";
import { buildAnatomy, type CohortContext, type CohortTask, runCohortTask } from "./_cohort_task.ts";

let context: CohortContext | undefined;
let anatomy: Anatomy | undefined;

self.onmessage = async (event: MessageEvent) => {
  const message = event.data as { type: "init"; context: CohortContext } | { type: "task"; task: CohortTask };
  try {
    if (message.type === "init") {
      context = message.context;
      anatomy = buildAnatomy(context.anatomy);
      self.postMessage({ type: "ready" });
      return;
    }
    const result = await runCohortTask(context!, anatomy!, message.task);
    self.postMessage({ type: "done", task: message.task, result });
  } catch (e) {
    self.postMessage({ type: "error", message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
  }
};

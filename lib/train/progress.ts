/**
 * A progress display with ETA that suits where it runs: one redrawn line (`\r`) in a terminal, an in-place
 * display in a Jupyter notebook (Deno's kernel, updated through a `display_id`), and one line per bar (per
 * epoch in training) in CI logs or when output is redirected to a file.
 *
 * @module
 */

/** Where and how progress is shown. */
export type ProgressMode = "tty" | "notebook" | "lines" | "silent";

/** Options of {@linkcode Progress}. */
export interface ProgressOptions {
  /** Text before the counter, e.g. "epoch 3/10". @default "" */
  label?: string;
  /** Display mode; "auto" picks notebook → lines (CI set or stdout not a TTY) → tty. @default "auto" */
  mode?: ProgressMode | "auto";
  /** Sink for text (tty and lines modes). @default writes to stdout */
  write?: (text: string) => void;
  /** Notebook display function, `Deno.jupyter.display`-like. @default detected */
  display?: (
    bundle: Record<string, string>,
    options: { raw: boolean; update: boolean; display_id: string },
  ) => unknown;
  /**
   * In lines mode, also print each time this fraction more is done (below 100%; the final line is
   * {@linkcode Progress.finish}'s). The default prints the final line only: one line per bar. @default 1
   */
  every?: number;
  /** Minimum milliseconds between redraws in tty and notebook modes. @default 100 */
  minIntervalMs?: number;
  /** Clock in milliseconds. @default performance.now */
  now?: () => number;
}

type JupyterDisplay = NonNullable<ProgressOptions["display"]>;

/** `Deno.jupyter.display` when running inside Deno's Jupyter kernel; undefined elsewhere (access throws there). */
export function jupyterDisplay(): JupyterDisplay | undefined {
  try {
    const jupyter = (Deno as unknown as { jupyter?: { display?: JupyterDisplay } }).jupyter;
    return typeof jupyter?.display === "function" ? jupyter.display.bind(jupyter) : undefined;
  } catch {
    return undefined;
  }
}

/** The mode "auto" resolves to here: notebook, else lines (CI or no TTY), else tty. */
export function detectProgressMode(): ProgressMode {
  if (jupyterDisplay()) return "notebook";
  let ci = false;
  try {
    ci = Boolean(Deno.env.get("CI"));
  } catch {
    // no env permission: treat as not CI
  }
  let tty = false;
  try {
    tty = Deno.stdout.isTerminal();
  } catch {
    tty = false;
  }
  return ci || !tty ? "lines" : "tty";
}

/** Seconds as m:ss or h:mm:ss. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "--:--";
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  const pad = (v: number) => String(v).padStart(2, "0");
  return h > 0 ? `${h}:${pad(m)}:${pad(r)}` : `${m}:${pad(r)}`;
}

let displayCounter = 0;

/**
 * Progress over `total` steps with elapsed time and ETA = elapsed · (total − done) / done.
 *
 * @example
 * const progress = new Progress(batchCount, { label: "epoch 1/10" });
 * for (const b of batches(ds)) { ...; progress.tick(1, `loss 0.41`); }
 * progress.finish("loss 0.40 acc 0.91");
 */
export class Progress {
  readonly total: number;
  readonly mode: ProgressMode;
  #done = 0;
  #label: string;
  #write: (text: string) => void;
  #display?: JupyterDisplay;
  #displayId = `cam-dmri-progress-${Deno.pid}-${++displayCounter}`;
  #displayed = false;
  #every: number;
  #nextLine: number;
  #minInterval: number;
  #lastDraw = -Infinity;
  #now: () => number;
  #start: number;
  #lastLength = 0;
  #finished = false;

  constructor(total: number, options: ProgressOptions = {}) {
    this.total = Math.max(0, total);
    this.#label = options.label ?? "";
    this.mode = !options.mode || options.mode === "auto" ? detectProgressMode() : options.mode;
    this.#write = options.write ?? ((text) => Deno.stdout.writeSync(new TextEncoder().encode(text)));
    this.#display = options.display ?? (this.mode === "notebook" ? jupyterDisplay() : undefined);
    this.#every = options.every ?? 1;
    this.#nextLine = this.#every;
    this.#minInterval = options.minIntervalMs ?? 100;
    this.#now = options.now ?? (() => performance.now());
    this.#start = this.#now();
  }

  /** Steps done so far. */
  get done(): number {
    return this.#done;
  }

  /** The status line for the current state, e.g. "epoch 1/3 [#####.....] 50% 5/10 0:02<0:02 loss 0.5". */
  line(info = ""): string {
    const elapsed = (this.#now() - this.#start) / 1000;
    const fraction = this.total > 0 ? this.#done / this.total : 1;
    const width = 20;
    const filled = Math.round(fraction * width);
    const eta = this.#done > 0 ? (elapsed * (this.total - this.#done)) / this.#done : NaN;
    const parts = [
      this.#label,
      `[${"#".repeat(filled)}${".".repeat(width - filled)}]`,
      `${Math.floor(fraction * 100)}%`,
      `${this.#done}/${this.total}`,
      `${formatDuration(elapsed)}<${formatDuration(eta)}`,
      info,
    ];
    return parts.filter((p) => p !== "").join(" ");
  }

  /** Advance by `steps` and redraw (rate-limited; lines mode prints at each `every` fraction below 100%). */
  tick(steps = 1, info = ""): void {
    this.#done = Math.min(this.total, this.#done + steps);
    this.#render(info, false);
  }

  /** Mark complete and draw the final state (always drawn; ends the terminal line). */
  finish(info = ""): void {
    if (this.#finished) return;
    this.#done = this.total;
    this.#render(info, true);
    this.#finished = true;
  }

  #render(info: string, final: boolean): void {
    if (this.mode === "silent") return;
    if (this.mode === "lines") {
      const fraction = this.total > 0 ? this.#done / this.total : 1;
      // The 100% line is finish()'s alone: a tick that completes the bar prints nothing.
      if (final || (fraction < 1 && fraction + 1e-12 >= this.#nextLine)) {
        while (this.#nextLine <= fraction + 1e-12) this.#nextLine += this.#every;
        this.#write(this.line(info) + "\n");
      }
      return;
    }
    const now = this.#now();
    if (!final && now - this.#lastDraw < this.#minInterval) return;
    this.#lastDraw = now;
    const text = this.line(info);
    if (this.mode === "tty") {
      const pad = Math.max(0, this.#lastLength - text.length);
      this.#write(`\r${text}${" ".repeat(pad)}${final ? "\n" : ""}`);
      this.#lastLength = text.length;
    } else if (this.#display) {
      void this.#display({ "text/plain": text }, {
        raw: true,
        update: this.#displayed,
        display_id: this.#displayId,
      });
      this.#displayed = true;
    }
  }
}

import assert from "node:assert/strict";
import {
  detectProgressMode,
  formatDuration,
  jupyterDisplay,
  Progress,
  progressBar,
  type TrainContext,
} from "../../lib/train/mod.ts";

/** A fake clock advancing 1 s per call to now() after start. */
function clock() {
  let t = 0;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

Deno.test("progress", async (t) => {
  await t.step("formatDuration", () => {
    assert.equal(formatDuration(0), "0:00");
    assert.equal(formatDuration(65.4), "1:05");
    assert.equal(formatDuration(3723), "1:02:03");
    assert.equal(formatDuration(NaN), "--:--");
  });

  await t.step("line shows label, bar, percent, count, elapsed and ETA", () => {
    const c = clock();
    const p = new Progress(10, { mode: "silent", label: "epoch 1/3", now: c.now });
    c.advance(4000);
    p.tick(4);
    // 4 steps in 4 s → 6 left ≈ 6 s
    assert.equal(p.line("loss 0.5"), "epoch 1/3 [########............] 40% 4/10 0:04<0:06 loss 0.5");
  });

  await t.step("lines mode (a file, CI logs): one line per bar, its final state", () => {
    const out: string[] = [];
    const c = clock();
    const p = new Progress(50, { mode: "lines", write: (s) => out.push(s), now: c.now });
    for (let i = 0; i < 50; i++) {
      c.advance(100);
      p.tick();
    }
    p.finish("done");
    p.finish("again");
    assert.deepEqual(out, ["[####################] 100% 50/50 0:05<0:00 done\n"]);
  });

  await t.step("lines mode with every: 0.1: a line per 10% below 100%, then the final one", () => {
    const out: string[] = [];
    const c = clock();
    const p = new Progress(50, { mode: "lines", write: (s) => out.push(s), now: c.now, every: 0.1 });
    for (let i = 0; i < 50; i++) {
      c.advance(100);
      p.tick();
    }
    p.finish("done");
    assert.equal(out.length, 10);
    assert.ok(out.every((s) => s.endsWith("\n") && !s.includes("\r")));
    assert.match(out[0], / 10% 5\/50 /);
    assert.match(out[8], / 90% 45\/50 /);
    assert.match(out[9], /100% 50\/50 .* done\n$/);
  });

  await t.step("a training run written to a file: one line per epoch", async () => {
    const out: string[] = [];
    const bar = progressBar({ mode: "lines", write: (s) => out.push(s) });
    const ctx = { epochs: 3, stepsPerEpoch: 12, valBatches: 2 } as unknown as TrainContext;
    for (let epoch = 1; epoch <= 3; epoch++) {
      await bar.onEpochBegin!(epoch, ctx);
      for (let b = 0; b < 12; b++) await bar.onBatchEnd!({ loss: 0.5, accuracy: 0.75 } as never, ctx);
      for (let b = 0; b < 2; b++) await bar.onValidationBatchEnd!(b as never, ctx);
      await bar.onEpochEnd!({ loss: 0.5, accuracy: 0.75, valLoss: 0.6, valAccuracy: 0.7 } as never, ctx);
    }
    assert.equal(out.length, 3);
    for (let epoch = 1; epoch <= 3; epoch++) {
      assert.match(
        out[epoch - 1],
        new RegExp(
          `^epoch ${epoch}/3 \\[#+\\] 100% 14/14 .* loss 0\\.5000 acc 0\\.750 val_loss 0\\.6000 val_acc 0\\.700\\n$`,
        ),
      );
    }
  });

  await t.step("tty mode: redraws one line with \\r, rate-limited, newline at the end", () => {
    const out: string[] = [];
    const c = clock();
    const p = new Progress(100, { mode: "tty", write: (s) => out.push(s), now: c.now, minIntervalMs: 100 });
    for (let i = 0; i < 100; i++) {
      c.advance(20);
      p.tick();
    }
    p.finish();
    assert.ok(out.length >= 15 && out.length <= 25, `${out.length} redraws`);
    assert.ok(out.every((s) => s.startsWith("\r")));
    assert.ok(out.slice(0, -1).every((s) => !s.includes("\n")));
    assert.ok(out.at(-1)!.endsWith("\n"));
  });

  await t.step("notebook mode: one display, updated in place by display_id", () => {
    const calls: { text: string; update: boolean; id: string }[] = [];
    const c = clock();
    const p = new Progress(3, {
      mode: "notebook",
      now: c.now,
      minIntervalMs: 0,
      display: (bundle, options) =>
        calls.push({ text: bundle["text/plain"], update: options.update, id: options.display_id }),
    });
    p.tick();
    p.tick();
    p.finish();
    assert.equal(calls.length, 3);
    assert.deepEqual(calls.map((x) => x.update), [false, true, true]);
    assert.equal(new Set(calls.map((x) => x.id)).size, 1);
    assert.match(calls[2].text, /100% 3\/3/);
  });

  await t.step("outside a notebook: no Jupyter display, lines or tty mode", () => {
    assert.equal(jupyterDisplay(), undefined);
    const mode = detectProgressMode();
    assert.ok(mode === "lines" || mode === "tty");
    if (Deno.env.get("CI") || !Deno.stdout.isTerminal()) assert.equal(mode, "lines");
  });
});

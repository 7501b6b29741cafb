import assert from "node:assert/strict";
import { detectProgressMode, formatDuration, jupyterDisplay, Progress } from "../../lib/train/mod.ts";

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

  await t.step("lines mode (CI logs): one line per 10% and a final line", () => {
    const out: string[] = [];
    const c = clock();
    const p = new Progress(50, { mode: "lines", write: (s) => out.push(s), now: c.now });
    for (let i = 0; i < 50; i++) {
      c.advance(100);
      p.tick();
    }
    p.finish("done");
    assert.equal(out.length, 11);
    assert.ok(out.every((s) => s.endsWith("\n") && !s.includes("\r")));
    assert.match(out[0], / 10% 5\/50 /);
    assert.match(out[10], /100% 50\/50 .* done\n$/);
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

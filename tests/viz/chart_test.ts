import assert from "node:assert/strict";
import {
  barChart,
  base64,
  chartDisplay,
  decodePng,
  JUPYTER_DISPLAY,
  lineChart,
  pngDisplay,
  pngSize,
  prChart,
  renderPng,
  renderSvg,
  tableDisplay,
  VEGA_LITE_SCHEMA,
  vegaLiteBundle,
} from "../../lib/viz/mod.ts";

const curves = [1, 2, 3].flatMap((epoch) =>
  ["alexnet", "vgg16"].map((model) => ({ epoch, model, loss: 1 / epoch + (model === "vgg16" ? 0.1 : 0) }))
);
const results = [
  { model: "alexnet", accuracy: 0.96, sd: 0.01 },
  { model: "vgg16", accuracy: 0.9, sd: 0.03 },
  { model: "googlenet", accuracy: 0.945, sd: 0.02 },
];

/** Count of `needle` in `haystack`. */
const count = (haystack: string, needle: string) => haystack.split(needle).length - 1;

Deno.test("Vega-Lite specs", async (t) => {
  await t.step("lineChart: one coloured line per model, v5 schema, data inlined", () => {
    const spec = lineChart(curves, { x: "epoch", y: "loss", color: "model", title: "Loss" });
    assert.equal(spec.$schema, VEGA_LITE_SCHEMA);
    assert.equal(spec.title, "Loss");
    assert.deepEqual(spec.mark, { type: "line", point: false });
    assert.deepEqual((spec.encoding as Record<string, unknown>).color, {
      field: "model",
      type: "nominal",
      legend: { labelLimit: 0 },
    });
    assert.equal((spec.data as { values: unknown[] }).values.length, 6);
  });

  await t.step("takes an arquero-like table through objects()", () => {
    const spec = lineChart({ objects: () => curves }, { x: "epoch", y: "loss" });
    assert.equal((spec.data as { values: unknown[] }).values.length, 6);
  });

  await t.step("names a missing field", () => {
    assert.throws(() => lineChart(curves, { x: "epoch", y: "accuracy" }), {
      name: "VizError",
      message: 'lineChart: no row has the field "accuracy" (fields: epoch, model, loss)',
    });
  });

  await t.step("barChart: bars plus ± error rules", () => {
    const spec = barChart(results, { x: "model", y: "accuracy", error: "sd", yDomain: [0, 1] });
    const layer = spec.layer as Record<string, unknown>[];
    assert.equal(layer.length, 2);
    assert.equal(layer[0].mark, "bar");
    assert.deepEqual(layer[1].mark, { type: "rule", color: "black" });
    // both layers name the y axis after the value, not after the helper fields of the error bars
    const titles = layer.map((l) => (l.encoding as Record<string, { title?: string }>).y.title);
    assert.deepEqual(titles, ["accuracy", "accuracy"]);
  });

  await t.step("axis titles default to the field in words, never the raw name", () => {
    const line = lineChart([{ epoch: 1, valAccuracy: 0.5 }], { x: "epoch", y: "valAccuracy" });
    const enc = line.encoding as Record<string, { title: string }>;
    assert.equal(enc.y.title, "val accuracy");
    const bar = barChart([{ run_config: "a", test_accuracy: 0.5 }], { x: "run_config", y: "test_accuracy" });
    const [layer] = bar.layer as { encoding: Record<string, { title: string }> }[];
    assert.deepEqual([layer.encoding.x.title, layer.encoding.y.title], ["run config", "test accuracy"]);
    assert.equal(
      (lineChart([{ e: 1, v: 2 }], { x: "e", y: "v", yTitle: "loss" }).encoding as Record<
        string,
        { title: string }
      >)
        .y.title,
      "loss",
    );
  });

  await t.step("prChart: recall on x, precision on y, both on [0, 1]", () => {
    const spec = prChart([{ recall: 0, precision: 1, t: 1 }, { recall: 1, precision: 0.5, t: 0 }], {
      order: "t",
    });
    const enc = spec.encoding as Record<string, { field: string; scale?: { domain: number[] } }>;
    assert.equal(enc.x.field, "recall");
    assert.deepEqual(enc.y.scale?.domain, [0, 1]);
    assert.equal(enc.order.field, "t");
  });
});

Deno.test("rendering", async (t) => {
  await t.step("renderSvg draws one line per model", async () => {
    const svg = await renderSvg(lineChart(curves, { x: "epoch", y: "loss", color: "model" }));
    assert.ok(svg.startsWith("<svg"));
    assert.equal(count(svg, 'aria-roledescription="line mark"'), 2);
    const strokes = [...svg.matchAll(/aria-roledescription="line mark" d="[^"]*" stroke="(#[0-9a-f]+)"/g)];
    assert.equal(new Set(strokes.map((m) => m[1])).size, 2);
    assert.ok(svg.includes(">alexnet<") && svg.includes(">vgg16<"), "legend labels");
  });

  await t.step("renderSvg draws one bar and one error rule per model", async () => {
    const svg = await renderSvg(barChart(results, { x: "model", y: "accuracy", error: "sd" }));
    const bars = svg.match(/<g class="mark-rect role-mark [^"]*"[^>]*>(.*?)<\/g>/s)?.[1] ?? "";
    assert.equal(count(bars, "<path"), 3);
    const rules = svg.match(/<g class="mark-rule role-mark [^"]*"[^>]*>(.*?)<\/g>/s)?.[1] ?? "";
    assert.equal(count(rules, "<line"), 3);
  });

  await t.step("grouped bars: one bar per model and pooling", async () => {
    const rows = results.flatMap((r) => ["GAP", "GMP"].map((pooling) => ({ ...r, pooling })));
    const svg = await renderSvg(barChart(rows, { x: "model", y: "accuracy", group: "pooling", error: "sd" }));
    const bars = svg.match(/<g class="mark-rect role-mark [^"]*"[^>]*>(.*?)<\/g>/s)?.[1] ?? "";
    assert.equal(count(bars, "<path"), 6);
    assert.ok(svg.includes(">GMP<"), "legend");
  });

  await t.step("renderSvg reports a spec Vega-Lite cannot compile", async () => {
    await assert.rejects(renderSvg({ mark: "no-such-mark" }), {
      name: "VizError",
      message: /^spec: Vega-Lite could not compile it/,
    });
  });

  await t.step("renderPng gives a PNG of the SVG's size (x scale)", async () => {
    const spec = lineChart(curves, { x: "epoch", y: "loss", color: "model", width: 200, height: 100 });
    const svg = await renderSvg(spec);
    const [w, h] = [/width="(\d+)"/, /height="(\d+)"/].map((re) => Number(svg.match(re)![1]));
    const png = await renderPng(svg);
    assert.deepEqual([...png.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10]);
    assert.deepEqual(pngSize(png), { width: w, height: h });
    assert.deepEqual(pngSize(await renderPng(spec, { scale: 2 })), { width: 2 * w, height: 2 * h });
  });

  await t.step("renderPng still renders without any font (text left out)", async () => {
    const svg = await renderSvg(lineChart(curves, { x: "epoch", y: "loss", width: 50, height: 40 }));
    const png = await renderPng(svg, { systemFonts: false });
    const { data, channels } = decodePng(png);
    assert.ok(pngSize(png)!.width > 50);
    // the line is drawn: some pixels are the default blue #4c78a8
    let blue = 0;
    for (let p = 0; p < data.length; p += channels) {
      if (data[p] === 0x4c && data[p + 1] === 0x78 && data[p + 2] === 0xa8) blue++;
    }
    assert.ok(blue > 10, `blue pixels: ${blue}`);
  });
});

Deno.test("notebook display", async (t) => {
  await t.step("a chart bundle has the v5 Vega-Lite mime type and an SVG copy", async () => {
    const shown = await chartDisplay({ ...lineChart(curves, { x: "epoch", y: "loss" }), $schema: "v6" });
    const bundle = shown[Symbol.for("Jupyter.display") as typeof JUPYTER_DISPLAY]();
    const spec = bundle["application/vnd.vegalite.v5+json"] as Record<string, unknown>;
    assert.equal(spec.$schema, "https://vega.github.io/schema/vega-lite/v5.json");
    assert.ok(String(bundle["image/svg+xml"]).startsWith("<svg"));
    assert.deepEqual(Object.keys(vegaLiteBundle(spec)), ["application/vnd.vegalite.v5+json", "text/plain"]);
  });

  await t.step("PNG bytes are shown as base64 image/png", () => {
    const bytes = new Uint8Array([137, 80, 78, 71, 0, 255]);
    const bundle = pngDisplay(bytes)[JUPYTER_DISPLAY]();
    assert.equal(bundle["image/png"], "iVBORwD/");
    assert.equal(base64(new Uint8Array(70000).fill(65)).length, Math.ceil(70000 / 3) * 4);
  });

  await t.step("a table is shown as its HTML", () => {
    const table = { toHTML: (o?: { limit?: number }) => `<table data-limit="${o?.limit}"></table>` };
    assert.deepEqual(tableDisplay(table, { limit: 5 }).bundle, {
      "text/html": '<table data-limit="5"></table>',
      "text/plain": "<table>",
    });
  });
});

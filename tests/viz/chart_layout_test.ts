import assert from "node:assert/strict";
import { barChart, chartLayout, type ChartText, lineChart, sideBySide } from "../../lib/viz/mod.ts";
import { studyCharts } from "../../lib/study/mod.ts";
import { tableFromRows } from "../../lib/experiments/tables.ts";

type Box = Pick<ChartText, "x1" | "y1" | "x2" | "y2">;

/** Whether two axis-aligned boxes (horizontal texts, marks) overlap (by more than a pixel). */
function overlaps(a: Box, b: Box): boolean {
  return a.x1 < b.x2 - 1 && b.x1 < a.x2 - 1 && a.y1 < b.y2 - 1 && b.y1 < a.y2 - 1;
}

/**
 * Layout checks: every text inside the canvas; horizontal texts do not overlap; angled axis labels of one
 * axis are parallel lines at least a font size apart (their distance across the text direction).
 */
function assertClean(layout: Awaited<ReturnType<typeof chartLayout>>, name: string): void {
  for (const t of layout.texts) {
    assert.ok(
      t.x1 >= 0 && t.y1 >= 0 && t.x2 <= layout.width && t.y2 <= layout.height,
      `${name}: "${t.text}" (${t.role}) at [${t.x1}, ${t.y1}, ${t.x2}, ${t.y2}] is outside ${layout.width}x${layout.height}`,
    );
  }
  const flat = layout.texts.filter((t) => t.angle === 0);
  for (let i = 0; i < flat.length; i++) {
    for (let j = i + 1; j < flat.length; j++) {
      assert.ok(!overlaps(flat[i], flat[j]), `${name}: "${flat[i].text}" overlaps "${flat[j].text}"`);
    }
  }
  const angled = layout.texts.filter((t) => t.angle !== 0 && t.role === "axis-label").sort((a, b) =>
    a.x - b.x
  );
  for (let i = 1; i < angled.length; i++) {
    const [a, b] = [angled[i - 1], angled[i]];
    if (a.y !== b.y || a.angle !== b.angle) continue;
    const across = Math.abs(b.x - a.x) * Math.abs(Math.sin((a.angle * Math.PI) / 180));
    assert.ok(across >= a.fontSize, `${name}: "${a.text}" and "${b.text}" are ${across} px apart`);
  }
  // nothing truncated: vega marks a cut label with an ellipsis
  for (const t of layout.texts) assert.ok(!t.text.includes("…"), `${name}: "${t.text}" is truncated`);
  // a chance rule's label covers no mark (bar, rule, point, line, grid line, tick) and no text, angled or not
  for (const label of layout.texts.filter((t) => t.name.startsWith("chance_label"))) {
    for (const m of layout.marks) {
      assert.ok(
        !overlaps(label, m),
        `${name}: the chance label "${label.text}" at [${box(label)}] covers a ${m.marktype} (${m.role}, ` +
          `${m.name}) at [${box(m)}]`,
      );
    }
    for (const t of layout.texts) {
      if (t !== label) assert.ok(!overlaps(label, t), `${name}: "${label.text}" overlaps "${t.text}"`);
    }
  }
}

const box = (b: Box) => [b.x1, b.y1, b.x2, b.y2].map(Math.round).join(", ");

const CONFIGS = ["small", "alexnet", "googlenet-gap-long-name"].flatMap((m) =>
  ["gap", "gmp"].map((p) => `${m}-${p}`)
);

function grid(seeds: number) {
  const results: Record<string, unknown>[] = [];
  for (const [k, name] of CONFIGS.entries()) {
    const [model, pooling] = [name.slice(0, name.lastIndexOf("-")), name.slice(name.lastIndexOf("-") + 1)];
    for (const split of ["subject", "slice"]) {
      for (let seed = 0; seed < seeds; seed++) {
        results.push({
          dataset: "cohort",
          model,
          pooling,
          split,
          augmentation: "seed",
          seed,
          test_accuracy: 0.6 + k * 0.03 + seed * 0.01,
          chance_accuracy: 0.54,
          leaky_split: split === "slice",
        });
      }
    }
  }
  const localization = results.flatMap((r) =>
    ["cam", "grad-cam", "grad-cam++", "saliency"].map((method, i) => ({
      ...r,
      method,
      relu: method !== "cam",
      normalize: "minmax",
      threshold: 0.2,
      energy_in_truth: 0.1 + i * 0.02,
      pxap: 0.08 + i * 0.01,
      chance_energy: 0.044,
    }))
  );
  const metrics = results.flatMap((r) =>
    [1, 2].map((epoch) => ({ ...r, epoch, loss: 1 / epoch, valAccuracy: 0.7 }))
  );
  return {
    metrics: tableFromRows(metrics),
    results: tableFromRows(results),
    localization: tableFromRows(localization),
    curves: tableFromRows([]),
  } as unknown as Parameters<typeof studyCharts>[0];
}

// deno-lint-ignore no-explicit-any
const layers = (spec: any): any[] => spec.layer ?? spec.spec?.layer ?? spec.hconcat?.flatMap(layers) ?? [];
// deno-lint-ignore no-explicit-any
const chanceRules = (spec: any) => layers(spec).filter((l) => l.mark?.type === "rule" && l.mark?.strokeDash);

Deno.test("study charts say what they show", async (t) => {
  await t.step("one seed: no error bars, the title says 'one seed'; chance rules on accuracy charts", () => {
    const charts = studyCharts(grid(1));
    const acc = charts.cohort_test_accuracy;
    assert.match(String(acc.title), /one seed/);
    assert.doesNotMatch(String(acc.title), /±/);
    assert.equal(layers(acc).filter((l) => l.mark?.type === "rule" && !l.mark?.strokeDash).length, 0);
    assert.equal(chanceRules(acc).length, 1);
    assert.equal(chanceRules(charts.cohort_val_accuracy).length, 1);
    assert.equal(chanceRules(charts.cohort_localization).length, 2, "energy and PxAP each");
  });

  await t.step("two seeds: error bars and 'mean ± sd'", () => {
    const acc = studyCharts(grid(2)).cohort_test_accuracy;
    assert.match(String(acc.title), /mean ± sd over 2\+ seeds/);
    assert.equal(layers(acc).filter((l) => l.mark?.type === "rule" && !l.mark?.strokeDash).length, 1);
  });

  await t.step("the leaky split is its own, labelled panel; axes are titled in words", async () => {
    const charts = studyCharts(grid(1));
    const acc = charts.cohort_test_accuracy as { facet: { column: { field: string } } };
    assert.equal(acc.facet.column.field, "evaluation");
    const { svg } = await chartLayout(charts.cohort_test_accuracy);
    assert.ok(svg.includes("leaky: slice-level split"), "the leaky panel's header");
    assert.ok(svg.includes(">held-out subjects<"));
    assert.ok(svg.includes(">chance 0.54<"));
    const curves = await chartLayout(charts.cohort_val_accuracy);
    assert.ok(!curves.svg.includes("valAccuracy"), "no field names as axis titles");
    assert.ok(curves.texts.some((x) => x.text === "validation accuracy" && x.role === "axis-title"));
    const loc = await chartLayout(charts.cohort_localization);
    assert.ok(loc.texts.some((x) => /^PxAP/.test(x.text) && x.role === "axis-title"), "PxAP beside energy");
    assert.ok(loc.texts.some((x) => x.text === "small-gap (slice, leaky)"), "leaky configurations say so");
  });

  await t.step("no text of any study chart leaves the canvas, overlaps another or is cut", async () => {
    for (const seeds of [1, 2]) {
      for (const [name, spec] of Object.entries(studyCharts(grid(seeds)))) {
        assertClean(await chartLayout(spec), name);
      }
    }
  });

  await t.step(
    "digits: the loc error beside a whole-image box, the chance of a digit; laid out clean",
    async () => {
      const results = ["gap", "gmp"].map((pooling) => ({
        dataset: "digits",
        model: "small",
        pooling,
        split: "subject",
        augmentation: "none",
        seed: 0,
        test_accuracy: 0.9,
        chance_accuracy: 0.11,
      }));
      const localization = results.flatMap((r) =>
        ["cam", "grad-cam", "grad-cam++", "saliency"].map((method) => ({
          ...r,
          method,
          top1_loc_error: method === "cam" ? 0.97 : 0.5,
          whole_image_loc_error: 0.96,
        }))
      );
      const charts = studyCharts(
        {
          metrics: tableFromRows([]),
          results: tableFromRows(results),
          localization: tableFromRows(localization),
          curves: tableFromRows([]),
        } as unknown as Parameters<typeof studyCharts>[0],
      );
      assert.equal(chanceRules(charts.digits_localization).length, 1);
      assert.equal(chanceRules(charts.digits_test_accuracy).length, 1);
      for (const [name, spec] of Object.entries(charts)) assertClean(await chartLayout(spec), name);
      const { svg } = await chartLayout(charts.digits_localization);
      assert.ok(svg.includes(">whole-image box<") && svg.includes(">small-gmp (subject, aug none)<"));
      assert.ok((await chartLayout(charts.digits_test_accuracy)).svg.includes(">chance 0.11<"));
    },
  );

  await t.step(
    "chance labels sit beside the rule outside the plot: clear of bars, lines, the legend and the next panel",
    async () => {
      const rows = ["a", "b", "c"].flatMap((x, i) =>
        ["gap", "gmp"].flatMap((g) =>
          ["held-out", "leaky"].map((panel) => ({ x, g, panel, y: 0.55 + 0.1 * i, epoch: i }))
        )
      );
      // Levels from the bottom to the top of the plot, where a legend sits right of it.
      for (const chance of [0, 0.5, 0.62, 0.95, 1]) {
        const chanceLabel = `chance ${chance}`;
        const specs = {
          bars: barChart(rows, { x: "x", y: "y", yDomain: [0, 1], chance, chanceLabel }),
          grouped: barChart(rows, { x: "x", y: "y", group: "g", yDomain: [0, 1], chance, chanceLabel }),
          faceted: barChart(rows, {
            x: "x",
            y: "y",
            group: "g",
            facet: "panel",
            yDomain: [0, 1],
            chance,
            chanceLabel,
          }),
          lines: lineChart(rows, { x: "epoch", y: "y", color: "g", yDomain: [0, 1], chance, chanceLabel }),
          side: sideBySide([
            barChart(rows, { x: "x", y: "y", group: "g", yDomain: [0, 1], chance, chanceLabel }),
            barChart(rows, { x: "x", y: "y", group: "g", yDomain: [0, 1], chance, chanceLabel }),
          ]),
        };
        for (const [name, spec] of Object.entries(specs)) {
          const layout = await chartLayout(spec);
          const labels = layout.texts.filter((x) => x.name.startsWith("chance_label"));
          assert.ok(labels.length >= 1, `${name}: a chance label`);
          assert.ok(labels.every((l) => l.text === chanceLabel));
          assertClean(layout, `${name} at ${chance}`);
        }
      }
      // The check catches a label drawn inside the plot over the bars (where it sat before).
      const inside = barChart(rows, {
        x: "x",
        y: "y",
        yDomain: [0, 1],
        chance: 0.5,
        chanceLabel: "chance 0.5",
      });
      // deno-lint-ignore no-explicit-any
      const label = layers(inside).find((l: any) => l.name === "chance_label");
      Object.assign(label.mark, { align: "right", baseline: "bottom", dx: -2, dy: -2 });
      const covered = await chartLayout(inside);
      assert.throws(() => assertClean(covered, "inside"), /the chance label "chance 0.5" .* covers a rect/);
    },
  );

  await t.step(
    "long labels are angled, short ones stay flat; the check itself catches an overlap",
    async () => {
      const rows = ["a-very-long-configuration-name (subject)", "another-long-configuration (slice)"].map((
        x,
      ) => ({
        x,
        y: 0.5,
      }));
      const narrow = barChart(rows, { x: "x", y: "y", width: 120 });
      const layout = await chartLayout(narrow);
      assert.ok(layout.texts.filter((t) => t.role === "axis-label" && t.angle !== 0).length === 2);
      assertClean(layout, "narrow");
      const flat = await chartLayout(barChart(rows, { x: "x", y: "y", width: 120, labelAngle: 0 }));
      assert.throws(() => assertClean(flat, "flat"), /overlaps/);
      assertClean(
        await chartLayout(sideBySide([narrow, lineChart([{ e: 1, v: 2 }], { x: "e", y: "v" })])),
        "side",
      );
    },
  );
});

/** The phantom's "ageing" layout (lib/synth/phantom.ts) and its planted effects (AGEING_EFFECTS). */
import assert from "node:assert/strict";
import {
  AGEING_EFFECTS,
  AGEING_REGIONS,
  anatomySample,
  brainPhantom,
  planSubjects,
  plantedMaps,
  tensorFa,
} from "../../lib/synth/mod.ts";

const classic = brainPhantom({ shape: 24 });
const ageing = brainPhantom({ shape: 24, layout: "ageing" });
const zeroA = new Float64Array(AGEING_REGIONS.length);
const zeroC = new Float64Array(5);

Deno.test("ageing layout: regions, name, and the default stays classic", () => {
  assert.deepEqual(ageing.regions, [...AGEING_REGIONS]);
  assert.equal(ageing.name, "phantom-ageing");
  assert.equal(classic.name, "phantom");
  assert.deepEqual(classic.regions, ["callosum", "slf_left", "slf_right", "cst_left", "cst_right"]);
  assert.equal(ageing.maxCompartments, AGEING_REGIONS.length + 3);
  assert.throws(() => brainPhantom({ layout: "modern" as never }), {
    name: "SynthError",
    message: /phantom: layout must be "classic" or "ageing", got "modern"/,
  });
  for (const e of AGEING_EFFECTS) {
    assert.ok((ageing.regions as readonly string[]).includes(e.region), e.region);
  }
});

Deno.test("ageing layout: genu + body are the classic callosum; fornix and frontal tracts where placed", () => {
  const a = anatomySample(ageing), c = anatomySample(classic);
  // Genu (in front), a blend (y = 10: half and half), the body (midline, behind).
  for (const [y, z, genu] of [[25, 15, 1], [10, 20, 0.5], [-3, 20, 0]] as const) {
    ageing.evaluate(0, y, z, zeroA, a);
    classic.evaluate(0, y, z, zeroC, c);
    assert.ok(c.shares[0] > 0.5, `classic callosum at y=${y}`);
    assert.ok(Math.abs(a.shares[0] + a.shares[1] - c.shares[0]) < 1e-12, `genu + body at y=${y}`);
    assert.ok(Math.abs(a.shares[0] - genu * c.shares[0]) < 1e-12, `genu share at y=${y}`);
  }
  ageing.evaluate(0, -8, 12, zeroA, a); // the fornix's body: z = 6 + 6·cos 0
  assert.ok(a.shares[2] > 0.9, `fornix ${a.shares[2]}`);
  ageing.evaluate(18, 34, 12, zeroA, a);
  assert.ok(a.shares[4] > 0.9, `frontal_right ${a.shares[4]}`);
  ageing.evaluate(-18, 34, 12, zeroA, a);
  assert.ok(a.shares[3] > 0.9, `frontal_left ${a.shares[3]}`);
});

Deno.test("ageing layout: a genu shift lowers FA in the genu only", () => {
  const a = anatomySample(ageing);
  const fa = (x: number, y: number, z: number, shift: Float64Array) => {
    ageing.evaluate(x, y, z, shift, a);
    return tensorFa(a.tensors, 0);
  };
  const shift = new Float64Array(AGEING_REGIONS.length);
  shift[0] = -0.2;
  assert.ok(Math.abs(fa(0, 25, 15, shift) - (fa(0, 25, 15, zeroA) - 0.2)) < 1e-9);
  assert.equal(fa(0, -8, 12, shift), fa(0, -8, 12, zeroA));
});

Deno.test("ageing layout: planted masks are the effect regions, old subjects' genu FA lower", () => {
  const subjects = planSubjects(ageing.regions, { seed: 1, effects: AGEING_EFFECTS, faJitter: 0 });
  const young = subjects.find((s) => s.group === "young")!, old = subjects.find((s) => s.group === "old")!;
  const y = plantedMaps(ageing, young), o = plantedMaps(ageing, old);
  assert.deepEqual(Object.keys(y.regions).sort(), AGEING_EFFECTS.map((e) => e.region).sort());
  const mean = (m: typeof y, region: string) => {
    const mask = m.regions[region].data, fa = m.fa.data as Float32Array;
    let s = 0, n = 0;
    for (let i = 0; i < fa.length; i++) if (mask[i]) (s += fa[i], n++);
    return s / n;
  };
  assert.ok(mean(o, "callosum_genu") < mean(y, "callosum_genu") - 0.03);
  assert.ok(mean(o, "fornix") < mean(y, "fornix"));
});

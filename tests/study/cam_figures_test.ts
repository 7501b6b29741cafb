import assert from "node:assert/strict";
import { volumeFrom } from "../../lib/nifti/mod.ts";
import { sliceVolume } from "../../lib/slices/mod.ts";
import {
  CAM_BOX_COLOR,
  centreSliceIndices,
  digitsCamFigure,
  saveCamFigure,
  subjectCamFigure,
  subjectPlanes,
  TRUTH_COLOR,
} from "../../lib/study/mod.ts";
import { decodePng, type RasterImage, renderCamFigure } from "../../lib/viz/mod.ts";
import { exists, needs, stepIf } from "../_skip.ts";

const fonts = needs(
  exists("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
  "DejaVu Sans (Debian's fonts-dejavu-core)",
  { inCi: true },
);

const N = 20, SIZE = 40;
/** A 20³ phantom: a ball of FA 0.5, a planted box at voxels x 6..12, y 7..12, z 7..13 (the truth), through every centre slice. */
function phantom() {
  const fa = new Float32Array(N ** 3), truth = new Float32Array(N ** 3);
  for (let z = 0; z < N; z++) {
    for (let y = 0; y < N; y++) {
      for (let x = 0; x < N; x++) {
        const i = x + N * (y + N * z);
        fa[i] = Math.hypot(x - 9.5, y - 9.5, z - 9.5) < 9 ? 0.5 : 0;
        truth[i] = x >= 6 && x <= 12 && y >= 7 && y <= 12 && z >= 7 && z <= 13 ? 1 : 0;
      }
    }
  }
  return { fa: volumeFrom(fa, [N, N, N], { pixdim: [1, 1, 1] }), truth };
}

function count(
  image: RasterImage,
  rect: { x: number; y: number; width: number; height: number },
  rgb: readonly number[],
) {
  let n = 0;
  for (let y = rect.y; y < rect.y + rect.height; y++) {
    for (let x = rect.x; x < rect.x + rect.width; x++) {
      const p = (y * image.width + x) * image.channels;
      if (image.data[p] === rgb[0] && image.data[p + 1] === rgb[1] && image.data[p + 2] === rgb[2]) n++;
    }
  }
  return n;
}

Deno.test("the study's CAM figures", async (t) => {
  const { fa, truth } = phantom();
  // 4 slices per axis, as the cohort cell cuts them (fewer, same geometry).
  const slices = sliceVolume(fa, { count: 4, size: SIZE }).map((s) => ({ ...s, image: s.data }));
  // The map of each slice: the slice's own truth (cut the same way) → its τ box is the truth's box.
  const truthSlices = sliceVolume(volumeFrom(truth, [N, N, N], { pixdim: [1, 1, 1] }), {
    count: 4,
    size: SIZE,
    interpolation: "nearest",
  });
  const maps = new Float32Array(slices.length * SIZE * SIZE);
  truthSlices.forEach((s, k) => maps.set(s.data, k * SIZE * SIZE));

  await t.step("centreSliceIndices: the middle slice of each axis", () => {
    assert.deepEqual(centreSliceIndices(slices.map((s) => s.provenance)), [2, 6, 10]);
    const ras = [2, 6, 10].map((k) => slices[k].provenance.rasIndex);
    assert.deepEqual(ras, [10, 10, 10], "slices 8..11 of 20 along each axis, the third is 10");
  });

  const planes = subjectPlanes(slices, maps, {
    truth: { data: truth, like: fa },
    probabilities: slices.map(() => [0.3, 0.7]),
  });

  await t.step("subjectPlanes: three planes, the truth cut like the slice", () => {
    assert.deepEqual(planes.map((p) => p.axis), ["sagittal", "coronal", "axial"]);
    for (const [k, p] of planes.entries()) {
      assert.deepEqual(Array.from(p.truth!.data), Array.from(truthSlices[[2, 6, 10][k]].data));
      assert.deepEqual(p.probabilities, [0.3, 0.7]);
    }
  });

  const figure = subjectCamFigure({
    subject: "sim07",
    group: "old",
    classes: ["young", "old"],
    probabilities: [0.3, 0.7],
    slices: 12,
    method: "grad-cam",
    layer: "conv_cam",
    relu: true,
    normalize: "minmax",
    threshold: 0.2,
    planes,
  });

  await t.step("subjectCamFigure: rows of FA and map, titles that name everything", () => {
    assert.equal(figure.tiles.length, 6);
    assert.ok(figure.tiles.every((r) => r.width === 256 && r.height === 256));
    assert.deepEqual(figure.title.lines, [
      "sim07, group old: predicted old (correct), p = 0.70, mean over its 12 test slices",
      "Grad-CAM at layer conv_cam · ReLU on · min-max normalisation · box at τ = 0.2 of the max",
    ]);
    assert.ok(figure.svg.includes(">sagittal<") && figure.svg.includes(">axial<"));
    assert.ok(figure.svg.includes("this slice: old (p = 0.70)"));
    assert.ok(figure.svg.includes(">planted region (truth)<"));
  });

  await stepIf(
    t,
    fonts,
    "its PNG: the outline in both tiles, the τ box on the map at the truth",
    async () => {
      const image = decodePng(await renderCamFigure(figure));
      for (const k of [0, 2, 4]) {
        assert.ok(
          count(image, figure.tiles[k], TRUTH_COLOR) > 50,
          `outline in tile ${k}`,
        );
      }
      // The map is the truth: its box is the truth's bounding box, white where the outline is not drawn over it.
      const axial = planes[2], tile = figure.tiles[5];
      let x0 = SIZE, y0 = SIZE;
      for (let p = 0; p < SIZE * SIZE; p++) {
        if (axial.truth!.data[p]) [x0, y0] = [Math.min(x0, p % SIZE), Math.min(y0, Math.floor(p / SIZE))];
      }
      assert.ok(count(image, tile, CAM_BOX_COLOR) > 50, "white box pixels");
      const s = tile.scaleX;
      assert.equal(s, 256 / SIZE);
      // the box's top-left corner pixel is drawn by the box (white): the outline (drawn first) lies under it
      const p = ((tile.y + Math.floor(y0 * s)) * image.width + tile.x + Math.floor(x0 * s)) * image.channels;
      assert.deepEqual([...image.data.subarray(p, p + 3)], [...CAM_BOX_COLOR]);
    },
  );

  await stepIf(t, fonts, "saveCamFigure: the PNG, and the SVG only when asked", async () => {
    const dir = await Deno.makeTempDir();
    try {
      assert.deepEqual(await saveCamFigure(figure, `${dir}/a`), [`${dir}/a.png`]);
      assert.equal(decodePng(await Deno.readFile(`${dir}/a.png`)).width, figure.width);
      assert.deepEqual(await saveCamFigure(figure, `${dir}/b`, { svg: true }), [
        `${dir}/b.png`,
        `${dir}/b.svg`,
      ]);
      assert.equal(await Deno.readTextFile(`${dir}/b.svg`), figure.svg);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });

  await t.step(
    "digitsCamFigure: classes named, the truth box and the map's box in the legend's colours",
    () => {
      const image = { data: new Float32Array(32 * 32).fill(0.2), height: 32, width: 32 };
      const cam = {
        data: new Float32Array(32 * 32).map((_, i) => (i % 32 >= 20 ? 1 : 0)),
        height: 32,
        width: 32,
      };
      const fig = digitsCamFigure({
        images: [image, image],
        cams: [cam, cam],
        truthBoxes: [{ x0: 2, y0: 2, x1: 10, y1: 10 }, { x0: 2, y0: 2, x1: 10, y1: 10 }],
        labels: [3, 7],
        probabilities: [[0, 0, 0, 0.9, 0, 0, 0, 0.1], [0, 0, 0, 0.6, 0, 0, 0, 0.4]],
        classNames: ["zero", "one", "two", "three", "four", "five", "six", "seven"],
        method: "cam",
        layer: "conv3",
        relu: false,
        normalize: "minmax",
        threshold: 0.2,
      });
      assert.equal(fig.tiles.length, 2);
      assert.ok(fig.tiles[0].width >= 224);
      assert.ok(fig.svg.includes("true three · predicted three (p = 0.90)"));
      assert.ok(fig.svg.includes("true seven · predicted three (p = 0.60)"));
      // columns 20..31 of 32, all rows: 12/32 of the image
      assert.ok(fig.svg.includes("τ box: 38% of the image"));
      assert.ok(fig.svg.includes("CAM at layer conv3 · ReLU off · min-max normalisation"));
      assert.ok(fig.svg.includes(">truth box<"));
    },
  );
});

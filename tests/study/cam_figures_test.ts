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

  await t.step(
    "planes of any aspect: FA and map tiles of a row share their geometry, the map covers the slice's pixels, " +
      "the outline lands at the same place in both",
    async () => {
      // (height, width) of each plane: square, tall, wide. The map is 4x coarser and 1 on its cells 1..3 (the
      // τ box: image pixels 4..15 both ways); the truth is a 9 x 9 square 6 px from the bottom-right corner.
      const shapes = { sagittal: [40, 40], coronal: [48, 32], axial: [32, 48] } as const;
      const planesOfAnyAspect = Object.entries(shapes).map(([axis, [h, w]]) => ({
        axis,
        image: {
          data: Float32Array.from({ length: h * w }, (_, i) => 0.2 + 0.6 * (i % w) / w),
          height: h,
          width: w,
        },
        cam: {
          data: Float32Array.from({ length: (h / 4) * (w / 4) }, (_, i) => {
            const [r, c] = [Math.floor(i / (w / 4)), i % (w / 4)];
            return r >= 1 && r <= 3 && c >= 1 && c <= 3 ? 1 : 0;
          }),
          height: h / 4,
          width: w / 4,
        },
        truth: {
          data: Float32Array.from({ length: h * w }, (_, i) => {
            const [r, c] = [Math.floor(i / w), i % w];
            return r >= h - 14 && r <= h - 6 && c >= w - 14 && c <= w - 6 ? 1 : 0;
          }),
          height: h,
          width: w,
        },
      }));
      const tileSize = 240;
      const fig = subjectCamFigure({
        subject: "sim03",
        group: "young",
        classes: ["young", "old"],
        probabilities: [0.6, 0.4],
        method: "grad-cam",
        layer: "conv_cam",
        relu: true,
        normalize: "minmax",
        threshold: 0.2,
        planes: planesOfAnyAspect,
      }, { tileSize });
      const image = decodePng(await renderCamFigure(fig, { systemFonts: false }));
      const rgb = (x: number, y: number) => {
        const p = (y * image.width + x) * image.channels;
        return [image.data[p], image.data[p + 1], image.data[p + 2]];
      };
      const isTruth = (v: number[]) => v.every((c, i) => c === TRUTH_COLOR[i]);
      for (const [row, [h, w]] of Object.values(shapes).entries()) {
        const fa = fig.tiles[2 * row], map = fig.tiles[2 * row + 1];
        const name = planesOfAnyAspect[row].axis;
        // The same geometry: the tile keeps the slice's aspect, both tiles on one line.
        const s = tileSize / w;
        for (const tile of [fa, map]) {
          assert.deepEqual(
            [tile.width, tile.height, tile.scaleX, tile.scaleY],
            [tileSize, Math.round(h * s), s, s],
            `${name}: tile geometry`,
          );
        }
        assert.equal(map.y, fa.y, `${name}: one line`);
        // The truth's outline: the same pixels in both tiles, where the square (columns and rows
        // w-14..w-6, h-14..h-6) lands at s figure pixels per slice pixel (nearest neighbour).
        const outline = (tile: typeof fa) => {
          const at: string[] = [];
          for (let y = 0; y < tile.height; y++) {
            for (let x = 0; x < tile.width; x++) {
              if (isTruth(rgb(tile.x + x, tile.y + y))) at.push(`${x},${y}`);
            }
          }
          return at;
        };
        const [inFa, inMap] = [outline(fa), outline(map)];
        assert.ok(inFa.length > 4 * 9 * s, `${name}: an outline (${inFa.length} px)`);
        assert.deepEqual(inMap, inFa, `${name}: the outline at the same place in both tiles`);
        const xs = inFa.map((p) => Number(p.split(",")[0])), ys = inFa.map((p) => Number(p.split(",")[1]));
        assert.deepEqual(
          [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)],
          [
            Math.ceil((w - 14) * s),
            Math.ceil((w - 5) * s) - 1,
            Math.ceil((h - 14) * s),
            Math.ceil((h - 5) * s) - 1,
          ],
          `${name}: the outline where the truth is`,
        );
        // The τ box (slice pixels 4..15 → figure pixels ⌊4·s⌋ … ⌈16·s⌉ − 1), 2 px of white inwards, a black
        // pixel each side; the band it takes with its casing.
        const [b0, b1] = [Math.floor(4 * s), Math.ceil(16 * s) - 1];
        const mid = Math.round(10 * s);
        assert.deepEqual(
          [b0 - 1, b0, b0 + 1, b0 + 2].map((x) => rgb(map.x + x, map.y + mid)),
          [[0, 0, 0], [...CAM_BOX_COLOR], [...CAM_BOX_COLOR], [0, 0, 0]],
          `${name}: the box's left edge, cased`,
        );
        assert.deepEqual(rgb(map.x + b1, map.y + mid), [...CAM_BOX_COLOR], `${name}: the box's right edge`);
        assert.deepEqual(rgb(map.x + mid, map.y + b1), [...CAM_BOX_COLOR], `${name}: the box's bottom edge`);
        const inBand = (x: number, y: number) =>
          x >= b0 - 1 && x <= b1 + 1 && y >= b0 - 1 && y <= b1 + 1 &&
          (x - (b0 - 1) < 4 || b1 + 1 - x < 4 || y - (b0 - 1) < 4 || b1 + 1 - y < 4);
        // Every other pixel of the map tile is coloured by the map (jet over gray: the channels spread), and
        // every pixel of the FA tile off the outline is gray: the map covers exactly the slice's pixels.
        let uncovered = 0, coloured = 0;
        for (let y = 0; y < fa.height; y++) {
          for (let x = 0; x < fa.width; x++) {
            const g = rgb(fa.x + x, fa.y + y), m = rgb(map.x + x, map.y + y);
            if (!isTruth(g) && Math.max(...g) - Math.min(...g) > 0) coloured++;
            if (inBand(x, y) || isTruth(m)) continue;
            if (Math.max(...m) - Math.min(...m) <= 30) uncovered++;
          }
        }
        assert.equal(coloured, 0, `${name}: the FA tile is gray`);
        assert.equal(uncovered, 0, `${name}: pixels of the map tile the map does not cover`);
      }
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

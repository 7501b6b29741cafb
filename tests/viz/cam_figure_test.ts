import assert from "node:assert/strict";
import {
  camFigure,
  type CamTile,
  decodePng,
  drawOutline,
  pngSize,
  type RasterImage,
  renderCamFigure,
} from "../../lib/viz/mod.ts";
import { exists, needs, stepIf } from "../_skip.ts";

const fonts = needs(
  exists("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
  "DejaVu Sans (Debian's fonts-dejavu-core)",
  { inCi: true },
);

const WHITE = [255, 255, 255] as const, MAGENTA = [255, 0, 255] as const;

/** A 64 x 64 gray ramp, a 16 x 16 map rising to the right, a disc mask at (20, 30) r 10. */
function scene(): CamTile {
  const n = 64;
  return {
    image: {
      data: Float32Array.from({ length: n * n }, (_, i) => (i % n) / (n - 1) * 0.6 + 0.2),
      height: n,
      width: n,
    },
    cam: { data: Float32Array.from({ length: 256 }, (_, i) => (i % 16) / 15), height: 16, width: 16 },
    boxes: [{ x0: 40, y0: 5, x1: 59, y1: 60, color: WHITE }],
    outline: {
      data: Float32Array.from(
        { length: n * n },
        (_, i) => Math.hypot((i % n) - 20, Math.floor(i / n) - 30) < 10 ? 1 : 0,
      ),
      height: n,
      width: n,
    },
    outlineColor: MAGENTA,
    caption: "a caption long enough that it has to wrap onto a second line under this tile's width",
  };
}

function pixel(image: RasterImage, x: number, y: number): number[] {
  const p = (Math.round(y) * image.width + Math.round(x)) * image.channels;
  return [...image.data.subarray(p, p + 3)];
}

/** Pixels of a rectangle darker than 100 in every channel (text is black on white). */
function darkPixels(image: RasterImage, r: { x: number; y: number; width: number; height: number }): number {
  let n = 0;
  for (let y = r.y; y < r.y + r.height; y++) {
    for (let x = r.x; x < r.x + r.width; x++) {
      const [a, b, c] = pixel(image, x, y);
      if (a < 100 && b < 100 && c < 100) n++;
    }
  }
  return n;
}

Deno.test("camFigure layout", async (t) => {
  const tiles = [scene(), { ...scene(), cam: null, boxes: [] }, scene()];
  const fig = camFigure(tiles, {
    columns: 2,
    rowLabels: ["sagittal", "coronal"],
    title: ["subject sim11, group old: predicted old, p = 0.83", "Grad-CAM at conv_cam · ReLU on · min-max"],
    legend: [{ label: "τ box", color: WHITE }, { label: "planted region", color: MAGENTA }],
    colorBarMarks: [{ value: 0.2, label: "τ = 0.2" }],
  });

  await t.step("tiles are 256 px, laid out two to a row below the title and legend", () => {
    assert.equal(fig.tiles.length, 3);
    for (const tile of fig.tiles) {
      assert.equal(tile.width, 256);
      assert.equal(tile.height, 256);
      assert.equal(tile.scaleX, 4);
    }
    assert.equal(fig.tiles[0].y, fig.tiles[1].y);
    assert.ok(fig.tiles[1].x >= fig.tiles[0].x + 256);
    assert.equal(fig.tiles[2].x, fig.tiles[0].x);
    assert.ok(fig.tiles[2].y >= fig.tiles[0].y + 256);
    assert.ok(fig.legend.y >= fig.title.y + fig.title.height);
    assert.ok(fig.captions[0].y >= fig.legend.y + fig.legend.height);
    assert.ok(fig.tiles[0].y >= fig.captions[0].y + fig.captions[0].height);
    // the colour bar sits right of the grid, inside the canvas
    assert.ok(fig.colorBar.x >= fig.tiles[1].x + 256);
    assert.ok(fig.colorBar.x + fig.colorBar.width < fig.width);
    assert.ok(fig.height >= fig.tiles[2].y + 256);
  });

  await t.step("a tile narrower than 224 px or no tiles is refused", () => {
    assert.throws(() => camFigure(tiles, { tileSize: 128 }), {
      name: "VizError",
      message: "camFigure: tileSize must be an integer of at least 224, got 128",
    });
    assert.throws(() => camFigure([]), {
      name: "VizError",
      message: "tiles: nothing to draw: the list is empty",
    });
  });

  await stepIf(
    t,
    fonts,
    "the PNG: its size, the boxes, the outline and the text where the layout says",
    async () => {
      const png = await renderCamFigure(fig);
      assert.deepEqual(pngSize(png), { width: fig.width, height: fig.height });
      const image = decodePng(png);
      const tile = fig.tiles[0];
      // The box (image columns 40..59, rows 5..60) at 4 px per image pixel, 2 px wide, drawn inwards.
      for (
        const [x, y] of [[40 * 4, 100], [40 * 4 + 1, 100], [60 * 4 - 1, 100], [200, 5 * 4], [200, 61 * 4 - 1]]
      ) {
        assert.deepEqual(pixel(image, tile.x + x, tile.y + y), [...WHITE], `box at (${x}, ${y})`);
      }
      // cased by a black pixel each side, so the line reads as a line on any map
      assert.deepEqual(pixel(image, tile.x + 40 * 4 + 2, tile.y + 100), [0, 0, 0], "casing inside");
      assert.deepEqual(pixel(image, tile.x + 40 * 4 - 1, tile.y + 100), [0, 0, 0], "casing outside");
      assert.notDeepEqual(pixel(image, tile.x + 40 * 4 + 3, tile.y + 100), [0, 0, 0], "inside the box");
      assert.notDeepEqual(pixel(image, tile.x + 40 * 4 - 2, tile.y + 100), [0, 0, 0], "outside the box");
      // The disc's outline: leftmost inside column at row 30 is 11 (|11 - 20| < 10) → figure column 44.
      assert.deepEqual(pixel(image, tile.x + 44, tile.y + 30 * 4 + 1), [...MAGENTA], "outline, left");
      assert.notDeepEqual(pixel(image, tile.x + 80, tile.y + 30 * 4 + 1), [...MAGENTA], "disc centre");
      // The gray-only tile has the outline and no box.
      assert.deepEqual(pixel(image, fig.tiles[1].x + 44, fig.tiles[1].y + 121), [...MAGENTA]);
      assert.notDeepEqual(pixel(image, fig.tiles[1].x + 160, fig.tiles[1].y + 100), [...WHITE]);
      // The map: jet's dark blue on the left of the overlay, dark red on the right (over gray).
      const [lr, , lb] = pixel(image, tile.x + 2, tile.y + 128),
        [rr, , rb] = pixel(image, tile.x + 250, tile.y + 128);
      assert.ok(lb > lr && rr > rb, `left ${lr},${lb} right ${rr},${rb}`);
      // Text exists where the title, the legend, the captions and the row labels are, and not in the margin.
      assert.ok(darkPixels(image, fig.title) > 200, "title text");
      assert.ok(darkPixels(image, fig.legend) > 50, "legend text");
      assert.ok(darkPixels(image, fig.captions[0]) > 50, "caption text");
      assert.ok(darkPixels(image, { x: 14, y: tile.y, width: tile.x - 14, height: 256 }) > 30, "row label");
      assert.equal(
        darkPixels(image, { x: fig.width - 6, y: 0, width: 6, height: fig.height }),
        0,
        "right margin",
      );
      assert.equal(
        darkPixels(image, { x: 0, y: fig.height - 6, width: fig.width, height: 6 }),
        0,
        "bottom margin",
      );
      // Rendered without fonts, the title area is blank: the dark pixels above were text.
      const bare = decodePng(await renderCamFigure(fig, { systemFonts: false }));
      assert.equal(darkPixels(bare, fig.title), 0);
    },
  );

  await t.step("captions and titles wrap to their width", () => {
    assert.ok(fig.title.lines.length === 2);
    const long = camFigure([scene()], { title: "word ".repeat(80) });
    assert.ok(long.title.lines.length >= 3, `${long.title.lines.length} lines`);
    assert.ok(fig.captions[0].height > 2 * 11, "two caption lines");
    // a word wider than its tile is cut: every caption line of a 224-px tile stays under ~224 px of text
    const cut = camFigure([{ ...scene(), caption: "x".repeat(120) }], { tileSize: 224 });
    const lines = [...cut.svg.matchAll(/font-size="11" fill="#000000">(x+)</g)].map((m) => m[1]);
    assert.ok(lines.length >= 3 && lines.join("") === "x".repeat(120), `${lines.length} lines`);
    assert.ok(lines.every((l) => l.length * 0.6 * 11 <= 224), "each piece fits the tile");
  });
});

Deno.test("drawOutline", async (t) => {
  await t.step("marks the inside pixels next to the outside, scaled by nearest neighbour", () => {
    const image: RasterImage = { data: new Uint8Array(8 * 8).fill(10), width: 8, height: 8, channels: 1 };
    // 4 x 4 mask, 2 x 2 block inside at rows/cols 1..2 → image rows/cols 2..5
    const mask = { data: [0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0], height: 4, width: 4 };
    const out = drawOutline(image, mask, { color: [1, 2, 3] });
    const at = (x: number, y: number) => [...out.data.subarray((y * 8 + x) * 3, (y * 8 + x) * 3 + 3)];
    assert.deepEqual(at(2, 2), [1, 2, 3]);
    assert.deepEqual(at(5, 3), [1, 2, 3]);
    assert.deepEqual(at(3, 3), [10, 10, 10], "inside, not on the edge");
    assert.deepEqual(at(1, 3), [10, 10, 10], "outside");
    const thick = drawOutline(image, mask, { thickness: 2 });
    assert.deepEqual([...thick.data.subarray((3 * 8 + 3) * 3, (3 * 8 + 3) * 3 + 3)], [255, 0, 255]);
  });
});

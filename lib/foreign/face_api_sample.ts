/** Real face photos shipped inside the face-api package, with hand-placed face boxes. */
import type { PixelBox } from "./face_crop.ts";

/**
 * `demo/sample1.jpg` of `@vladmandic/face-api@1.7.15` (1920x1280, three women): square face boxes placed by
 * hand on a gridded thumbnail (no face detector is run), left to right. Both packaged expression nets call
 * the right-hand face "happy" with probability > 0.99.
 */
export const FACE_API_SAMPLE: { readonly file: string; readonly faces: readonly PixelBox[] } = {
  file: "demo/sample1.jpg",
  faces: [
    { x: 400, y: 330, width: 220, height: 220 },
    { x: 830, y: 400, width: 210, height: 210 },
    { x: 1470, y: 190, width: 230, height: 230 },
  ],
};

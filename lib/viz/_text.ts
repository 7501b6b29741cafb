// Text in hand-built SVG figures: widths in DejaVu Sans (the font resvg renders with), wrapping, escaping.

/** Advance widths of DejaVu Sans in em (from its hmtx table, rounded up); others count as 1 em. */
const WIDTHS: Record<string, number> = {
  " ": 0.318,
  a: 0.613,
  b: 0.635,
  c: 0.55,
  d: 0.635,
  e: 0.616,
  f: 0.352,
  g: 0.635,
  h: 0.634,
  i: 0.278,
  j: 0.278,
  k: 0.58,
  l: 0.278,
  m: 0.974,
  n: 0.634,
  o: 0.612,
  p: 0.635,
  q: 0.635,
  r: 0.411,
  s: 0.521,
  t: 0.392,
  u: 0.634,
  v: 0.592,
  w: 0.818,
  x: 0.592,
  y: 0.592,
  z: 0.525,
  ".": 0.318,
  ",": 0.318,
  ":": 0.337,
  ";": 0.337,
  "(": 0.391,
  ")": 0.391,
  "-": 0.361,
  "=": 0.838,
  "+": 0.838,
  "±": 0.838,
  "·": 0.318,
  "/": 0.337,
  "%": 0.95,
  "'": 0.275,
  '"': 0.46,
  "τ": 0.6,
  "→": 0.838,
};

/** Width in pixels of `text` at `fontSize` in DejaVu Sans (bold about 10% wider); never an underestimate. */
export function textWidth(text: string, fontSize: number, bold = false): number {
  let em = 0;
  for (const ch of text) {
    em += WIDTHS[ch] ?? (/[0-9]/.test(ch) ? 0.637 : /[A-Z]/.test(ch) ? 0.775 : 1);
  }
  return em * fontSize * (bold ? 1.1 : 1) * 1.02;
}

/** Break `text` at spaces into lines no wider than `maxWidth`; a word wider than that is cut into pieces. */
export function wrapText(text: string, maxWidth: number, fontSize: number, bold = false): string[] {
  const lines: string[] = [];
  let line = "";
  const words = text.split(/\s+/).filter((w) => w.length).flatMap((w) => {
    if (textWidth(w, fontSize, bold) <= maxWidth) return [w];
    const pieces: string[] = [];
    let piece = "";
    for (const ch of w) {
      if (piece && textWidth(piece + ch, fontSize, bold) > maxWidth) {
        pieces.push(piece);
        piece = "";
      }
      piece += ch;
    }
    return piece ? [...pieces, piece] : pieces;
  });
  for (const word of words) {
    const next = line ? `${line} ${word}` : word;
    if (line && textWidth(next, fontSize, bold) > maxWidth) {
      lines.push(line);
      line = word;
    } else {
      line = next;
    }
  }
  if (line) lines.push(line);
  return lines.length ? lines : [""];
}

/** Text made safe inside an SVG element or attribute. */
export function escapeXml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll(
    '"',
    "&quot;",
  );
}

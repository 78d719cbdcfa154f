// WCAG 2.1 contrast of computed CSS colours, for what axe-core does not
// measure: focus outlines, borders of controls, the option chosen in a
// list. Colours are what getComputedStyle gives: "rgb(r, g, b)" or
// "rgba(r, g, b, a)".

// [r, g, b, a] of a computed colour; throws on any other form, so that a
// colour the test cannot read fails loudly instead of passing.
export function parseColour(text) {
  const m = /^rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)(?:\s*[,/]\s*([\d.]+%?))?\s*\)$/.exec(text.trim());
  if (!m) throw new Error(`not a computed colour: ${text}`);
  let a = m[4] === undefined ? 1 : parseFloat(m[4]);
  if (m[4] && m[4].endsWith('%')) a /= 100;
  return [Number(m[1]), Number(m[2]), Number(m[3]), a];
}

// top (possibly translucent) painted over an opaque bottom.
export function over(top, bottom) {
  const [r, g, b, a] = typeof top === 'string' ? parseColour(top) : top;
  const [R, G, B] = typeof bottom === 'string' ? parseColour(bottom) : bottom;
  return [r * a + R * (1 - a), g * a + G * (1 - a), b * a + B * (1 - a), 1];
}

// WCAG 2.1 relative luminance of an opaque colour.
export function luminance(colour) {
  const [r, g, b] = (typeof colour === 'string' ? parseColour(colour) : colour)
    .slice(0, 3).map((v) => {
      const c = v / 255;
      return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

// The contrast ratio, 1 to 21, of two opaque colours.
export function contrast(a, b) {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

export const WHITE = [255, 255, 255, 1];

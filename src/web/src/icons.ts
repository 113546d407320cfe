// Symbols drawn as SVG (no icon font, no sprite server): the same pictures mark the sites
// on the map (rasterised into MapLibre images), in the legend, the Explore list and the
// timeline's breaks. Attractions stay circles coloured by category; every other kind has
// its own shape and colour, and fuel and meal stops differ from each other.

export type SymbolName = "stay" | "camp" | "fuel" | "meal" | "service";

export const SYMBOL_COLOURS: Record<SymbolName, string> = {
  stay: "#1e3a8a",
  camp: "#15803d",
  fuel: "#dc2626",
  meal: "#ea580c",
  service: "#475569",
};

const GLYPHS: Record<SymbolName, string> = {
  // a house
  stay: '<path d="M6 12.2 12 6.8l6 5.4" fill="none" stroke="#fff" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"/><path d="M8 11.2v6.3h8v-6.3" fill="none" stroke="#fff" stroke-width="2" stroke-linejoin="round"/><rect x="11" y="14" width="2" height="3.5" fill="#fff"/>',
  // a tent
  camp: '<path d="M4.6 18 12 6l7.4 12z" fill="#fff"/><path d="M12 18l-2.1-4.6h4.2z" fill="' + "#15803d" + '"/>',
  // a fuel pump
  fuel: '<rect x="6.6" y="6" width="7" height="12" rx="1" fill="#fff"/><rect x="8" y="7.6" width="4.2" height="3.2" fill="#dc2626"/><path d="M13.6 10.5h1.8v5.2a1.1 1.1 0 0 0 2.2 0V9.2l-2-2" fill="none" stroke="#fff" stroke-width="1.4" stroke-linecap="round" stroke-linejoin="round"/><rect x="5.6" y="17.4" width="9" height="1.6" fill="#fff"/>',
  // a fork and a knife
  meal: '<path d="M7.6 5.5v4.6a1.7 1.7 0 0 0 3.4 0V5.5M9.3 5.5v13" fill="none" stroke="#fff" stroke-width="1.5" stroke-linecap="round"/><path d="M15.6 18.5V5.5c-2 1.4-2.4 4.8-2.3 7.8h2.3" fill="#fff" stroke="#fff" stroke-width="1.3" stroke-linejoin="round"/>',
  // a wrench-ish dot
  service: '<circle cx="12" cy="12" r="3.2" fill="#fff"/>',
};

/** Fuel and meal stops are round; places to stay are rounded squares. */
function frame(name: SymbolName): string {
  const c = SYMBOL_COLOURS[name];
  if (name === "fuel" || name === "meal" || name === "service")
    return `<circle cx="12" cy="12" r="10.6" fill="${c}" stroke="#fff" stroke-width="1.8"/>`;
  return `<rect x="1.4" y="1.4" width="21.2" height="21.2" rx="5" fill="${c}" stroke="#fff" stroke-width="1.8"/>`;
}

export function symbolSvg(name: SymbolName, size = 18): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 24 24" aria-hidden="true">${frame(name)}${GLYPHS[name]}</svg>`;
}

export function symbolUrl(name: SymbolName): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(symbolSvg(name, 48))}`;
}

/** The symbol of a site: null for attractions (a circle coloured by category). */
export function symbolOf(kind: string, subtype?: string | null): SymbolName | null {
  if (kind === "lodging") return "stay";
  if (kind === "campsite") return "camp";
  if (kind === "service") return subtype === "meal" ? "meal" : subtype === "fuel" ? "fuel" : "service";
  return null;
}

/** An <img> of the symbol (legend, lists, timeline). */
export function symbolImg(name: SymbolName, size = 16, title = ""): HTMLImageElement {
  const img = document.createElement("img");
  img.src = symbolUrl(name);
  img.width = size;
  img.height = size;
  img.alt = title;
  img.className = "symbol";
  img.dataset.symbol = name;
  if (title) img.title = title;
  return img;
}

/** Rasterise a symbol for MapLibre (48 px, drawn at pixelRatio 2). */
export async function symbolImage(name: SymbolName): Promise<ImageData> {
  const img = new Image(48, 48);
  img.src = symbolUrl(name);
  await img.decode();
  const canvas = document.createElement("canvas");
  canvas.width = 48;
  canvas.height = 48;
  const ctx = canvas.getContext("2d")!;
  ctx.drawImage(img, 0, 0, 48, 48);
  return ctx.getImageData(0, 0, 48, 48);
}

export const ALL_SYMBOLS: SymbolName[] = ["stay", "camp", "fuel", "meal", "service"];

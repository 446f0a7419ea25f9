/*
 * Labels for the control plane's enums. Its protobuf enums are open: a newer control plane can
 * send a value this console was built without, and protobuf-es hands it over as a plain number.
 * Every mapper reads through `fromEnumMap`, so such a value is shown as what it is —
 * "Unknown (9)" — instead of an undefined label that fails the page or card around it.
 */

/** How a value this console does not know is shown. */
export function unknownEnumLabel(value: number): string {
  return `Unknown (${Number.isFinite(value) ? value : '?'})`;
}

/** The map's entry for a value, or the fallback made for a value the map does not have. */
export function fromEnumMap<E extends number, T>(
  map: Readonly<Record<E, T>>,
  value: E,
  fallback: (value: number) => T,
): T {
  return Object.hasOwn(map, value) ? map[value] : fallback(value);
}

/** Source-map work of scripts/build-server.ts: the shipped map keeps only our own files. */

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** The numbers of one segment of a source map's `mappings` (base64 VLQ). */
function decodeSegment(segment: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = BASE64.indexOf(char);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      values.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return values;
}

function encodeSegment(values: number[]): string {
  let out = '';
  for (const n of values) {
    let value = n < 0 ? (-n << 1) | 1 : n << 1;
    do {
      let digit = value & 31;
      value >>>= 5;
      if (value > 0) digit |= 32;
      out += BASE64[digit];
    } while (value > 0);
  }
  return out;
}

/**
 * The source map without what points into node_modules or into no file: those segments become
 * unmapped (a one-field segment), so a frame in a dependency shows the bundle's line, and ours
 * show src/.
 */
export function keepOwnMappings(json: string): string {
  const map = JSON.parse(json) as { sources: string[]; names: string[]; mappings: string };
  const kept: number[] = [];
  // Also left out: modules esbuild's plugins made up ("builtin-through-require:node:timers"),
  // which are no file a stack trace could name.
  const sourceIndex = map.sources.map((source) =>
    source.includes('node_modules/') || /^[a-z][a-z0-9+.-]*:/i.test(source)
      ? -1
      : kept.push(kept.length) - 1,
  );
  const names: string[] = [];
  const nameIndex = new Map<string, number>();
  // Absolute positions decoded so far, and those last written (fields are deltas from them).
  let source = 0;
  let line = 0;
  let column = 0;
  let name = 0;
  const written = { source: 0, line: 0, column: 0, name: 0 };
  const lines = map.mappings.split(';').map((text) => {
    let generated = 0;
    let writtenGenerated = 0;
    let lastMapped = false;
    const out: string[] = [];
    for (const segment of text.split(',')) {
      if (segment === '') continue;
      const v = decodeSegment(segment);
      generated += v[0] ?? 0;
      if (v.length < 4) continue;
      source += v[1] ?? 0;
      line += v[2] ?? 0;
      column += v[3] ?? 0;
      if (v.length === 5) name += v[4] ?? 0;
      const to = sourceIndex[source] ?? -1;
      if (to < 0) {
        if (lastMapped) out.push(encodeSegment([generated - writtenGenerated]));
        else continue;
      } else {
        const fields = [generated - writtenGenerated, to - written.source];
        fields.push(line - written.line, column - written.column);
        written.source = to;
        written.line = line;
        written.column = column;
        if (v.length === 5) {
          const text = map.names[name] ?? '';
          let index = nameIndex.get(text);
          if (index === undefined) {
            index = names.push(text) - 1;
            nameIndex.set(text, index);
          }
          fields.push(index - written.name);
          written.name = index;
        }
        out.push(encodeSegment(fields));
      }
      writtenGenerated = generated;
      lastMapped = to >= 0;
    }
    return out.join(',');
  });
  return JSON.stringify({
    ...map,
    sources: map.sources.filter((_, i) => (sourceIndex[i] ?? -1) >= 0),
    names,
    mappings: lines.join(';'),
  });
}

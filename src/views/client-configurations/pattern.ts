import { AccessPattern } from '../../gen/prism/admin/v1/client_configuration_pb.js';
import { accessPatternName } from '../cluster/status.js';

/*
 * Access patterns as URLs and forms write them: a slug per known value (`keyvalue`,
 * `object-store`), and `unknown-9` for a value this console was built without (a newer control
 * plane's), so it is shown, selected and kept as read — never replaced by a default.
 */

export const PATTERN_SLUGS = [
  'keyvalue',
  'pubsub',
  'queue',
  'timeseries',
  'graph',
  'object-store',
] as const;
export type PatternSlug = (typeof PATTERN_SLUGS)[number];

const bySlug: Record<PatternSlug, AccessPattern> = {
  keyvalue: AccessPattern.KEYVALUE,
  pubsub: AccessPattern.PUBSUB,
  queue: AccessPattern.QUEUE,
  timeseries: AccessPattern.TIMESERIES,
  graph: AccessPattern.GRAPH,
  'object-store': AccessPattern.OBJECT_STORE,
};

const UNKNOWN_VALUE = /^unknown-(\d{1,10})$/;
const INT32_MAX = 2 ** 31 - 1;

/** How a pattern is shown: `key-value`, `Unknown (9)`; unset reads "—". */
export function patternLabel(pattern: AccessPattern): string {
  return pattern === AccessPattern.UNSPECIFIED ? '—' : accessPatternName(pattern);
}

/** How a pattern is written in URLs and forms. */
export function patternValue(pattern: AccessPattern): string {
  const slug = PATTERN_SLUGS.find((s) => bySlug[s] === pattern);
  return slug ?? `unknown-${pattern}`;
}

/** The known pattern a slug names (a URL filter), or undefined. */
export function patternBySlug(value: string): AccessPattern | undefined {
  const slug = PATTERN_SLUGS.find((s) => s === value);
  return slug ? bySlug[slug] : undefined;
}

/** Whether this is a pattern the console knows (and so may set). */
export function isKnownPattern(pattern: AccessPattern): boolean {
  return PATTERN_SLUGS.some((s) => bySlug[s] === pattern);
}

/**
 * The pattern a form value names: a slug or `unknown-9` as the select writes them, or — when
 * the form fell back to a text box — what a person types: `key-value`, `KEYVALUE`,
 * `ACCESS_PATTERN_OBJECT_STORE`, `object store`. Undefined when it names none.
 */
export function patternFromFormValue(value: string): AccessPattern | undefined {
  const known = patternBySlug(value);
  if (known !== undefined) return known;
  const unknown = UNKNOWN_VALUE.exec(value);
  if (unknown) {
    const n = Number(unknown[1]);
    return n > 0 && n <= INT32_MAX ? (n as AccessPattern) : undefined;
  }
  const typed = value
    .trim()
    .toLowerCase()
    .replace(/^access_pattern_/, '')
    .replace(/[^a-z]/g, '');
  const slug = PATTERN_SLUGS.find((s) => s.replace(/-/g, '') === typed);
  return slug ? bySlug[slug] : undefined;
}

export interface PatternChoice {
  value: string;
  label: string;
}

/**
 * The pattern select's choices: the patterns the control plane lists (ListPatterns), in enum
 * order, plus the current value when it is not among them (an unknown one, or one no launcher
 * serves any more), so an edit shows what is there.
 */
export function patternChoices(listed: readonly AccessPattern[], current: string): PatternChoice[] {
  const patterns = [...new Set(listed)]
    .filter((p) => p !== AccessPattern.UNSPECIFIED)
    .sort((a, b) => a - b);
  const choices = patterns.map((p) => ({ value: patternValue(p), label: patternLabel(p) }));
  const currentPattern = patternFromFormValue(current);
  if (
    current !== '' &&
    currentPattern !== undefined &&
    !choices.some((c) => c.value === patternValue(currentPattern))
  ) {
    choices.push({ value: patternValue(currentPattern), label: patternLabel(currentPattern) });
  }
  return choices;
}

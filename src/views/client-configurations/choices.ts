import type { Backend } from '../../gen/prism/admin/v1/backend_pb.js';
import type { AccessPattern } from '../../gen/prism/admin/v1/client_configuration_pb.js';

/*
 * What the pattern and backend selects offer: what the control plane lists (ListPatterns,
 * ListBackends). When a list cannot be read, the form or filter falls back to a text box and
 * says why, so it still works.
 */

export type Listed<T> = { ok: true; items: T[] } | { ok: false; why: string };

export interface BackendChoice {
  name: string;
  type: string;
}

export interface Choices {
  patterns: Listed<AccessPattern>;
  backends: Listed<BackendChoice>;
}

export function backendChoice(backend: Backend): BackendChoice {
  return { name: backend.name, type: backend.type };
}

/** The backend select's choices, plus the current value when it is not among them. */
export function backendOptions(
  listed: readonly BackendChoice[],
  current: string,
): { value: string; label: string }[] {
  const options = [...listed]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((b) => ({ value: b.name, label: b.type ? `${b.name} (${b.type})` : b.name }));
  if (current !== '' && !options.some((o) => o.value === current)) {
    options.push({ value: current, label: `${current} (not listed)` });
  }
  return options;
}

export const PATTERNS_UNAVAILABLE =
  'The control plane did not list its access patterns, so type one (key-value, pub/sub, queue, time series, graph or object store).';
export const BACKENDS_UNAVAILABLE =
  'The control plane did not list its backends, so type the backend’s name.';

import type { ClientConfiguration } from '../../gen/prism/admin/v1/client_configuration_pb.js';
import { formatTime } from '../format.js';
import type { ConfigurationFormValues } from './form.js';
import { looseOptions, optionsText } from './options.js';
import { patternFromFormValue, patternLabel } from './pattern.js';

/*
 * A conflict explained: someone saved a new version while the operator was editing. The edit
 * form carries the values it was rendered from (the originals); the configuration is read
 * again, and each field whose value differs from the original is listed as changed — what
 * it was when the operator opened the form, what it is now, and what the operator typed.
 */

export interface FieldChange {
  field: 'pattern' | 'backend' | 'description' | 'options';
  label: string;
  /** When the operator opened the form. */
  before: string;
  now: string;
  yours: string;
}

export interface ConflictView {
  version: string;
  updated: string;
  updatedBy: string;
  /** The fields changed by the other save; empty when only the version moved. */
  changes: FieldChange[];
}

const shownPattern = (value: string) => {
  const pattern = patternFromFormValue(value);
  return pattern === undefined ? value || '—' : patternLabel(pattern);
};
const shown = (text: string) => (text === '' ? '(empty)' : text);

export function conflictView(
  values: ConfigurationFormValues,
  current: ClientConfiguration,
): ConflictView {
  const yourOptions = optionsText(looseOptions(values.rows));
  const fields: FieldChange[] = [
    {
      field: 'pattern',
      label: 'Access pattern',
      before: shownPattern(values.original_pattern),
      now: patternLabel(current.pattern),
      yours: shownPattern(values.pattern),
    },
    {
      field: 'backend',
      label: 'Backend',
      before: shown(values.original_backend),
      now: shown(current.backend),
      yours: shown(values.backend.trim()),
    },
    {
      field: 'description',
      label: 'Description',
      before: shown(values.original_description),
      now: shown(current.description),
      yours: shown(values.description.trim()),
    },
    {
      field: 'options',
      label: 'Options',
      before: shown(values.original_options.replace(/\r\n?/g, '\n')),
      now: shown(optionsText(current.options)),
      yours: shown(yourOptions),
    },
  ];
  return {
    version: current.version.toString(),
    updated: formatTime(current.updateTime),
    updatedBy: current.updatedBy,
    changes: fields.filter((f) => f.before !== f.now),
  };
}

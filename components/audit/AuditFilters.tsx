import type { FieldName } from '../../src/forms/contract.js';
import { routes } from '../../src/routes/table.js';
import {
  AUDIT_PAGE_SIZES,
  auditFilterForm,
  DEFAULT_AUDIT_PAGE_SIZE,
  type AuditFilters as Filters,
  MUTATING_OPERATIONS,
  OUTCOMES,
  QUICK_RANGES,
} from '../../src/views/audit/query.js';
import { buttonClass } from '../ui/buttons.js';
import type { HtmxAttributes } from '../ui/htmx.js';

/** The results region: what htmx filter requests replace. */
export const AUDIT_RESULTS_ID = 'audit-results';
export const AUDIT_FILTERS_ID = 'audit-filters';
const LOADING_ID = 'audit-loading';

const fieldClass =
  'mt-1.5 block h-9 w-full rounded-md border-0 px-3 py-2 text-sm text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 placeholder:text-slate-400 focus:ring-2 focus:ring-inset focus:ring-indigo-600';
const labelClass = 'block text-sm font-medium text-slate-900 dark:text-slate-100';

const { names, labels } = auditFilterForm;

function Text(props: {
  id: string;
  name: FieldName;
  label: string;
  value: string | undefined;
  placeholder: string;
}): JSX.Element {
  return (
    <div>
      <label for={props.id} class={labelClass} safe>
        {props.label}
      </label>
      <input
        type="text"
        id={props.id}
        name={props.name}
        value={props.value}
        placeholder={props.placeholder}
        autocomplete="off"
        maxlength={300}
        class={fieldClass}
      />
    </div>
  );
}

function Select(props: {
  id: string;
  name: FieldName;
  label: string;
  value: string | undefined;
  options: readonly { value: string; label: string }[];
  htmx: HtmxAttributes;
}): JSX.Element {
  return (
    <div>
      <label for={props.id} class={labelClass} safe>
        {props.label}
      </label>
      <select
        id={props.id}
        name={props.name}
        class={fieldClass}
        {...props.htmx}
        hx-trigger="change"
      >
        {props.options.map((option) => (
          <option value={option.value} selected={option.value === (props.value ?? '')} safe>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}

function DateTime(props: {
  id: string;
  name: FieldName;
  label: string;
  value: string | undefined;
}) {
  return (
    <div>
      <label for={props.id} class={labelClass} safe>
        {props.label}
      </label>
      <input
        type="datetime-local"
        id={props.id}
        name={props.name}
        value={props.value}
        aria-describedby="audit-utc-hint"
        class={fieldClass}
      />
    </div>
  );
}

/**
 * The audit log's filters: a plain GET form (its URL is the view, bookmarkable) without
 * JavaScript; with htmx a choice or "Apply" replaces only the results and pushes the URL.
 */
export function AuditFilters({ filters }: { filters: Filters }): JSX.Element {
  const action = routes.audit.log.href();
  const htmx: HtmxAttributes = {
    'hx-get': action,
    'hx-target': `#${AUDIT_RESULTS_ID}`,
    'hx-swap': 'outerHTML',
    'hx-push-url': 'true',
    'hx-include': `#${AUDIT_FILTERS_ID}`,
    // As the lists' filters (components/ui/ListFilters.tsx): one at a time, the last one wins.
    'hx-sync': `#${AUDIT_FILTERS_ID}:queue last`,
    'hx-indicator': `#${LOADING_ID}`,
  };
  return (
    <search aria-label="Filter the audit log">
      <form id={AUDIT_FILTERS_ID} method="get" action={action} class="mb-4 space-y-3" {...htmx}>
        <div class="grid grid-cols-1 items-end gap-3 sm:grid-cols-2 lg:grid-cols-4">
          <Text
            id="audit-actor"
            name={names.actor}
            label={labels.actor}
            value={filters.actor}
            placeholder="User name"
          />
          <Select
            id="audit-operation"
            name={names.operation}
            label={labels.operation}
            value={filters.operation}
            options={[
              { value: '', label: 'All operations' },
              ...MUTATING_OPERATIONS.map((name) => ({ value: name, label: name })),
            ]}
            htmx={htmx}
          />
          <Text
            id="audit-namespace"
            name={names.namespace}
            label={labels.namespace}
            value={filters.namespace}
            placeholder="orders-prod"
          />
          <Text
            id="audit-resource"
            name={names.resource}
            label={labels.resource}
            value={filters.resource}
            placeholder="namespaces/orders-prod"
          />
          <Select
            id="audit-outcome"
            name={names.outcome}
            label={labels.outcome}
            value={filters.outcome}
            options={[
              { value: '', label: 'Any outcome' },
              ...Object.keys(OUTCOMES).map((key) => ({
                value: key,
                label: key[0]?.toUpperCase() + key.slice(1),
              })),
            ]}
            htmx={htmx}
          />
          <Text
            id="audit-request"
            name={names.request}
            label={labels.request}
            value={filters.request}
            placeholder="The id a confirmation showed"
          />
        </div>
        <div class="grid grid-cols-1 items-end gap-3 sm:grid-cols-2 lg:grid-cols-4">
          <Select
            id="audit-range"
            name={names.range}
            label={labels.range}
            value={filters.range}
            options={[
              { value: '', label: 'Any time (or from/to)' },
              ...Object.entries(QUICK_RANGES).map(([value, range]) => ({
                value,
                label: range.label,
              })),
            ]}
            htmx={htmx}
          />
          <DateTime id="audit-from" name={names.from} label={labels.from} value={filters.from} />
          <DateTime id="audit-to" name={names.to} label={labels.to} value={filters.to} />
          <Select
            id="audit-size"
            name={names.size}
            label={labels.size}
            // The default as '': the address stays without it (the canonical URL drops it).
            value={filters.size === DEFAULT_AUDIT_PAGE_SIZE ? '' : String(filters.size)}
            options={[...new Set([...AUDIT_PAGE_SIZES, filters.size])]
              .sort((a, b) => a - b)
              .map((size) => ({
                value: size === DEFAULT_AUDIT_PAGE_SIZE ? '' : String(size),
                label: String(size),
              }))}
            htmx={htmx}
          />
          <div class="flex items-center gap-3">
            <button type="submit" class={buttonClass.secondary}>
              Apply filters
            </button>
            <a href={action} class="text-sm underline">
              Clear
            </a>
            <span id={LOADING_ID} class="htmx-indicator text-sm text-slate-500" aria-hidden="true">
              Loading…
            </span>
          </div>
        </div>
        <p id="audit-utc-hint" class="text-xs text-slate-600 dark:text-slate-400">
          Times are in UTC, as in the table. "To" includes the minute given.
        </p>
      </form>
    </search>
  );
}

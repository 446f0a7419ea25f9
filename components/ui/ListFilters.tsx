import type { Children } from '@kitajs/html';
import type { FieldName, FormContract } from '../../src/forms/contract.js';
import type { Url } from '../../src/html/url.js';
import { DEFAULT_PAGE_SIZE } from '../../src/views/list-query.js';
import { buttonClass } from './buttons.js';
import type { HtmxAttributes, HxTrigger } from './htmx.js';

/*
 * The filter form above a list (namespaces, client configurations, client sessions): a plain
 * GET form with a submit button without JavaScript; with htmx, typing (debounced) or choosing
 * refreshes only the results region and the URL. Each area keeps its own fields; the pieces
 * below are what they share.
 */

/** Classes for a control in a `FilterBox`. */
export const filterFieldClass =
  'mt-1.5 block h-9 w-full rounded-md border-0 px-3 py-2 text-sm text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 placeholder:text-slate-400 focus:ring-2 focus:ring-inset focus:ring-indigo-600';

/** Requests made while typing: after a pause, or when the search box is cleared. */
export const TYPING = 'input changed delay:300ms, search';

export interface FilterIds {
  /** The list's address: the form's action. */
  action: Url;
  /** The results region the answers replace. */
  results: string;
  /** The filter form. */
  form: string;
  /** The "Loading…" indicator beside the submit button. */
  loading: string;
}

/** The htmx attributes of the filter form and each of its controls. */
export function filterHtmx(ids: FilterIds): HtmxAttributes {
  return {
    'hx-get': ids.action,
    'hx-target': `#${ids.results}`,
    'hx-swap': 'outerHTML',
    'hx-push-url': 'true',
    'hx-include': `#${ids.form}`,
    // One search at a time, and the last keystroke wins: a newer one waits for the one on its
    // way (only the newest waits), in order. Not `replace`: htmx reports the abort it makes as
    // an error in the browser console, though nothing went wrong.
    'hx-sync': `#${ids.form}:queue last`,
    // The indicator sits beside the button: without this only a submit (the form's own
    // request) would show it, not the search box's or a select's.
    'hx-indicator': `#${ids.loading}`,
  };
}

export interface FilterFormProps {
  /** The search landmark's name ("Filter namespaces"). */
  label: string;
  ids: FilterIds;
  children: Children;
}

/** The form, in a search landmark, laid out as one wrapping row of filters. */
export function FilterForm({ label, ids, children }: FilterFormProps): JSX.Element {
  return (
    <search aria-label={label}>
      <form
        id={ids.form}
        method="get"
        action={ids.action}
        class="mb-4 flex flex-wrap items-end gap-3"
        {...filterHtmx(ids)}
      >
        {children}
      </form>
    </search>
  );
}

export interface FilterBoxProps {
  /** The control's id, for its label. */
  id: string;
  label: string;
  /** Its width in the row: `w-44`, `min-w-56 flex-1`. */
  width: string;
  /** The control: give it `class={filterFieldClass}`. */
  children: Children;
}

/** A labelled place in the filter row, for a control of the area's own. */
export function FilterBox({ id, label, width, children }: FilterBoxProps): JSX.Element {
  return (
    <div class={width}>
      <label for={id} class="block text-sm font-medium text-slate-900" safe>
        {label}
      </label>
      {children}
    </div>
  );
}

interface ControlProps extends FilterField {
  id: string;
  width: string;
}

/** What a filter control takes from the form: its htmx, field name and label. */
export interface FilterField {
  ids: FilterIds;
  name: FieldName;
  label: string;
}

/**
 * The filter form's fields, named and labelled by its contract (src/forms/contract.ts):
 * `<TextFilter {...field('q')} id="…" … />`.
 */
export function filterFields<V extends string, H extends string>(
  ids: FilterIds,
  contract: FormContract<V, H>,
): (field: V) => FilterField {
  return (field) => ({ ids, name: contract.names[field], label: contract.labels[field] });
}

export interface TextFilterProps extends ControlProps {
  value: string;
  placeholder?: string;
  maxlength: number;
  /** `search` (the default) has a clear button; `text` for a name typed exactly. */
  type?: 'search' | 'text';
  /** When typing asks for the list; `TYPING` by default. */
  trigger?: HxTrigger;
  /** Names and identifiers: no spelling marks. */
  spellcheck?: boolean;
}

/** A text box that filters while typing (debounced); its requests replace the history entry. */
export function TextFilter(props: TextFilterProps): JSX.Element {
  return (
    <FilterBox id={props.id} label={props.label} width={props.width}>
      <input
        type={props.type ?? 'search'}
        id={props.id}
        name={props.name}
        value={props.value}
        placeholder={props.placeholder}
        autocomplete="off"
        maxlength={props.maxlength}
        spellcheck={props.spellcheck === false ? 'false' : undefined}
        class={filterFieldClass}
        {...filterHtmx(props.ids)}
        hx-trigger={props.trigger ?? TYPING}
      />
    </FilterBox>
  );
}

export interface SelectFilterProps extends ControlProps {
  /** The first choice, no filter: "All statuses". */
  all: string;
  options: readonly { value: string; label: string }[];
  /** The chosen value; '' for all. */
  value: string;
}

/** A select that filters as soon as a choice is made. */
export function SelectFilter(props: SelectFilterProps): JSX.Element {
  return (
    <FilterBox id={props.id} label={props.label} width={props.width}>
      <select
        id={props.id}
        name={props.name}
        class={filterFieldClass}
        {...filterHtmx(props.ids)}
        hx-trigger="change"
      >
        <option value="" selected={props.value === ''} safe>
          {props.all}
        </option>
        {props.options.map((option) => (
          <option value={option.value} selected={option.value === props.value} safe>
            {option.label}
          </option>
        ))}
      </select>
    </FilterBox>
  );
}

const PAGE_SIZES = [25, DEFAULT_PAGE_SIZE, 100, 200];

export interface PageSizeFilterProps extends ControlProps {
  size: number;
  /** Send the default size empty, so it stays out of the address. */
  emptyAtDefault?: boolean;
}

/** "Per page": the usual sizes, and the current one when the URL asked for another. */
export function PageSizeFilter(props: PageSizeFilterProps): JSX.Element {
  const sizes = [...new Set([...PAGE_SIZES, props.size])].sort((a, b) => a - b);
  return (
    <FilterBox id={props.id} label={props.label} width={props.width}>
      <select
        id={props.id}
        name={props.name}
        class={filterFieldClass}
        {...filterHtmx(props.ids)}
        hx-trigger="change"
      >
        {sizes.map((size) => (
          <option
            value={props.emptyAtDefault && size === DEFAULT_PAGE_SIZE ? '' : String(size)}
            selected={size === props.size}
            safe
          >
            {String(size)}
          </option>
        ))}
      </select>
    </FilterBox>
  );
}

export interface FilterSubmitProps {
  ids: FilterIds;
  /** The button's words: "Search", "Filter". */
  label: string;
  /** The loading indicator's test id, if tests look for it. */
  testId?: string;
}

/** The submit button (the form without JavaScript) and the indicator of a request on its way. */
export function FilterSubmit({ ids, label, testId }: FilterSubmitProps): JSX.Element {
  return (
    <div class="flex items-center gap-3">
      <button type="submit" class={buttonClass.secondary} safe>
        {label}
      </button>
      <span
        id={ids.loading}
        class="htmx-indicator text-sm text-slate-500"
        aria-hidden="true"
        data-testid={testId}
      >
        {/* … as a reference: pages keep to Latin-1 (components/ui/Table.tsx) */}
        Loading{'&#8230;'}
      </span>
    </div>
  );
}

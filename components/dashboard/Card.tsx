import type { Children } from '@kitajs/html';
import type { Url } from '../../src/html/url.js';
import { type CardState, OK, type Part } from '../../src/views/dashboard.js';

/* A dashboard card: its look by what it has to say, and its link to the view behind it. */

const cardTones: Record<CardState['tone'], string> = {
  ok: 'bg-white ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-700',
  warning: 'bg-amber-50 ring-2 ring-amber-400 dark:bg-amber-950/40 dark:ring-amber-500',
  problem: 'bg-red-50 ring-2 ring-red-500 dark:bg-red-950/40 dark:ring-red-500',
};

/** What a coloured card says in words, before what is wrong: the colour is never all. */
const toneWords: Record<CardState['tone'], string> = {
  ok: '',
  warning: 'Needs a look',
  problem: 'Problem',
};

/** A card that could not be filled is a problem too: the card says why. */
const UNAVAILABLE: CardState = { tone: 'problem', text: undefined };

export function stateOf<T>(part: Part<T>, state: (value: T) => CardState): CardState {
  return part.ok ? state(part.value) : UNAVAILABLE;
}

/**
 * A dashboard card: its title links to the view behind it (filtered to the problem when there
 * is one); a problem colours the card and is said in text.
 */
export function Card({
  title,
  testId,
  href,
  state = OK,
  children,
}: {
  title: string;
  testId: string;
  /** Undefined for a view this console does not have yet: the title is not a link then. */
  href: Url | undefined;
  state?: CardState;
  children?: Children;
}): JSX.Element {
  return (
    <section
      aria-label={title}
      data-testid={testId}
      data-tone={state.tone}
      class={['rounded-lg p-5 shadow-sm', cardTones[state.tone]]}
    >
      <h2 class="text-sm font-medium text-slate-600 dark:text-slate-300">
        {href ? (
          <a href={href} class="hover:underline" data-testid="card-link" safe>
            {`${title} →`}
          </a>
        ) : (
          <span safe>{title}</span>
        )}
      </h2>
      {state.text ? (
        <p
          class={[
            'mt-1 text-sm font-semibold',
            state.tone === 'problem'
              ? 'text-red-800 dark:text-red-200'
              : 'text-amber-900 dark:text-amber-200',
          ]}
          data-testid="card-problem"
          safe
        >
          {`${toneWords[state.tone]}: ${state.text}`}
        </p>
      ) : (
        ''
      )}
      <div class="mt-2">{children}</div>
    </section>
  );
}

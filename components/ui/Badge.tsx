export type BadgeTone = 'green' | 'amber' | 'red' | 'slate' | 'sky';

const tones: Record<BadgeTone, string> = {
  green:
    'bg-emerald-100 text-emerald-800 ring-emerald-600/20 dark:bg-emerald-950 dark:text-emerald-200 dark:ring-emerald-400/30',
  amber:
    'bg-amber-100 text-amber-800 ring-amber-600/20 dark:bg-amber-950 dark:text-amber-200 dark:ring-amber-400/30',
  red: 'bg-red-100 text-red-800 ring-red-600/20 dark:bg-red-950 dark:text-red-200 dark:ring-red-400/30',
  slate:
    'bg-slate-100 text-slate-700 ring-slate-500/20 dark:bg-slate-800 dark:text-slate-200 dark:ring-slate-400/30',
  sky: 'bg-sky-100 text-sky-800 ring-sky-600/20 dark:bg-sky-950 dark:text-sky-200 dark:ring-sky-400/30',
};

export interface BadgeProps {
  tone: BadgeTone;
  label: string;
}

export function Badge({ tone, label }: BadgeProps): JSX.Element {
  return (
    <span
      class={[
        'inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset',
        tones[tone],
      ]}
      safe
    >
      {label}
    </span>
  );
}

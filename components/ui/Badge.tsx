export type BadgeTone = 'green' | 'amber' | 'red' | 'slate' | 'sky';

const tones: Record<BadgeTone, string> = {
  green: 'bg-emerald-100 text-emerald-800 ring-emerald-600/20',
  amber: 'bg-amber-100 text-amber-800 ring-amber-600/20',
  red: 'bg-red-100 text-red-800 ring-red-600/20',
  slate: 'bg-slate-100 text-slate-700 ring-slate-500/20',
  sky: 'bg-sky-100 text-sky-800 ring-sky-600/20',
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

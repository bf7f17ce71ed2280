import type { ReactNode } from 'react'

/** A labelled setting with a line saying what it does. */
export const Field = ({ label, hint, children }: { label: string; hint?: string; children: ReactNode }) => (
  // biome-ignore lint/a11y/noLabelWithoutControl: the control is the child it is given
  <label className="block space-y-1 text-sm">
    <span className="font-medium">{label}</span>
    {children}
    {hint && <span className="block text-xs text-muted">{hint}</span>}
  </label>
)

export const inputClass =
  'w-full rounded-md border border-line bg-canvas px-3 py-1.5 text-sm outline-none focus:border-accent'

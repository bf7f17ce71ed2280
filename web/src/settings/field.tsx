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

/** A settings form's end: what the server refused (its own message), that it saved, the button. */
export const SaveBar = ({
  save,
}: {
  save: { error: Error | null; isSuccess: boolean; isPending: boolean }
}) => (
  <>
    {save.error && (
      <p role="alert" className="text-sm text-bad">
        {save.error.message}
      </p>
    )}
    {save.isSuccess && <p className="text-sm text-good">Saved.</p>}
    <button
      type="submit"
      disabled={save.isPending}
      className="rounded-md bg-accent px-4 py-1.5 text-sm font-medium text-white disabled:opacity-50"
    >
      Save
    </button>
  </>
)

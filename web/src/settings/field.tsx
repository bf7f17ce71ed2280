import { type ReactNode, useState } from 'react'

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

/** The paths of a text, one a line, blank lines left out. */
const pathLines = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)

/**
 * A list of paths edited as text, one a line (blank lines kept while typing, left out of the
 * list). What was typed is shown while it still says `paths`; once they change elsewhere (a
 * refetch, another project), they are shown.
 */
export const PathLinesInput = ({
  name,
  paths,
  placeholder,
  onChange,
}: {
  name: string
  paths: readonly string[]
  placeholder: string
  onChange: (paths: string[]) => void
}) => {
  const [text, setText] = useState(paths.join('\n'))
  const shown = pathLines(text).join('\n') === paths.join('\n') ? text : paths.join('\n')
  return (
    <textarea
      name={name}
      rows={3}
      value={shown}
      placeholder={placeholder}
      onChange={(event) => {
        setText(event.target.value)
        onChange(pathLines(event.target.value))
      }}
      className={`${inputClass} font-mono`}
    />
  )
}

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

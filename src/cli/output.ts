/** Prints rows as aligned columns under a header; an empty list says so instead. */
export const printTable = (headers: string[], rows: string[][], empty: string): void => {
  if (rows.length === 0) {
    console.log(empty)
    return
  }
  const widths = headers.map((header, i) =>
    Math.max(header.length, ...rows.map((row) => (row[i] ?? '').length)),
  )
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd()
  console.log(line(headers))
  for (const row of rows) console.log(line(row))
}

export const printJson = (value: unknown): void => console.log(JSON.stringify(value, null, 2))

/** A timestamp as local HH:MM:SS, for listings read by people. */
export const clock = (iso: string): string => new Date(iso).toTimeString().slice(0, 8)

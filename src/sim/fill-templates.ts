/**
 * Replaces `{{name}}` in every string of a reply value (deeply) with the variable of that name;
 * unknown names are left as written so a typo shows in the output.
 */
export const fillTemplates = <T>(value: T, variables: Record<string, string>): T => {
  if (typeof value === 'string') {
    return value.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) =>
      Object.hasOwn(variables, name) ? variables[name]! : whole,
    ) as T
  }
  if (Array.isArray(value)) return value.map((entry) => fillTemplates(entry, variables)) as T
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, entry]) => [key, fillTemplates(entry, variables)]),
    ) as T
  }
  return value
}

const regexLiteral = /^\/(.+)\/([dgimsuvy]*)$/s

/**
 * A scenario's text condition as a RegExp: `/source/flags` is a regular expression, anything else
 * a case-insensitive substring. Throws on an invalid expression.
 */
export const compilePattern = (pattern: string): RegExp => {
  const literal = regexLiteral.exec(pattern)
  if (literal) return new RegExp(literal[1]!, literal[2]!.replace('g', ''))
  return new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i')
}

/** Whether `text` matches the scenario pattern. */
export const textMatches = (pattern: string, text: string): boolean => compilePattern(pattern).test(text)

/**
 * How a secret is shown in the API and UI: enough to recognise which key it is (its kind prefix and
 * last four characters), never enough to use it.
 */
export const maskSecret = (secret: string): string => {
  if (secret.length < 12) return '••••'
  const prefix = /^(sk-ant-|sk-proj-|sk-|ghp_|github_pat_|AIza|xox[abprs]-)/.exec(secret)?.[0] ?? ''
  return `${prefix}••••${secret.slice(-4)}`
}

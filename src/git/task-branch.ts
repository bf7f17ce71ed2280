/** Longest slug of the title kept in a branch name. */
const slugLength = 40

/**
 * The branch a task works on: `cadre/` and a slug of its title, then the end of its id, which keeps
 * two tasks with the same title apart (`cadre/fix-the-login-form-a9f0c2k1`).
 */
export const taskBranch = (title: string, id: string): string => {
  const slug = title
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, slugLength)
    .replace(/^-+|-+$/g, '')
  const suffix = id.slice(-8)
  return `cadre/${slug ? `${slug}-` : ''}${suffix}`
}

export { seededRandom } from '../../src/sim/seeded-random.ts'

/**
 * What the chaos suites share: a seeded random source, so a failing run reproduces with the seed it
 * printed, and the size of a run — short in `npm test`, long in `npm run test:chaos`.
 */

/** The long runs of `npm run test:chaos` set CADRE_CHAOS=long. */
export const longRun = process.env.CADRE_CHAOS === 'long'

/** The seed from CADRE_CHAOS_SEED, or a new one; printed so a failure can be replayed. */
export const chaosSeed = (suite: string): number => {
  const given = process.env.CADRE_CHAOS_SEED
  const seed = given === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(given)
  if (!Number.isInteger(seed)) throw new Error(`CADRE_CHAOS_SEED must be an integer, not ${given}`)
  console.log(`${suite}: seed ${seed} (replay with CADRE_CHAOS_SEED=${seed})`)
  return seed
}

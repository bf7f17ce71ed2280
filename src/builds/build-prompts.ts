import type { Build } from '../core/builds.ts'
import type { Feature } from '../core/features.ts'

/** The first run of a build: the spec read and turned into the feature list. */
export const initializerPrompt = (
  spec: string,
) => `Create the feature list of this application from its specification.

Read the specification below (and the repository, if it already holds code). Then call the tool feature_create_bulk once with every feature, in the order to build them: foundations first. For each feature give a short name, a category, a description of what it does, and steps that say how to verify it; write a step as \`$ <command>\` when a command run at the repository's root can check it (it must exit 0 when the feature works), so that Cadre can verify it without you. Name dependencies (dependsOn) by feature name. Keep each feature small enough for one agent to finish in one sitting. Do not build anything yet.

The specification:

${spec}`

const describeFeature = (feature: Feature, all: readonly Feature[]) => {
  const names = new Map(all.map((each) => [each.id, each.name]))
  const done = feature.dependsOn.map((id) => names.get(id) ?? id)
  return [
    `Feature: ${feature.name} (id ${feature.id}, category ${feature.category})`,
    feature.description && `\n${feature.description}`,
    feature.steps.length > 0 &&
      `\nHow it is verified:\n${feature.steps.map((step, index) => `${index + 1}. ${step}`).join('\n')}`,
    done.length > 0 && `\nIt builds on these features, which pass already: ${done.join(', ')}.`,
  ]
    .filter(Boolean)
    .join('\n')
}

/** A feature handed to an agent: what it is, how it is checked, and how the agent says it is done. */
export const featurePrompt = (feature: Feature, all: readonly Feature[], build: Build) => {
  const broke =
    feature.status === 'failing' && feature.note
      ? `\n\nIt worked before, and broke since; Cadre's check said:\n${feature.note}\nFind what broke it and fix it without undoing the other features.`
      : ''
  return `${describeFeature(feature, all)}${broke}

You work on the branch of build ${build.id}, where other agents' features are merged as they pass. Build this feature only, with tests where the project has them. When it is done, call feature_mark_passing: Cadre runs its checks in your workspace. If they fail, fix what they say and call it again; if they pass, end your turn and Cadre merges your work. If you cannot go on without a person's decision, call feature_request_human_input with your question, then end your turn.`
}

/** After an attempt that did not pass: what failed, for the same agent to fix. */
export const retryPrompt = (why: string, output: string, attempt: number, maxAttempts: number) =>
  `Cadre's verification of your work failed (attempt ${attempt} of ${maxAttempts}): ${why}.
${output ? `\n${output}\n` : ''}
Fix it, then call feature_mark_passing again and end your turn.`

/** The build branch moved on and the task's work no longer merges: the agent resolves it in place. */
export const conflictPrompt = (buildBranch: string, files: readonly string[]) =>
  `Your work no longer merges into ${buildBranch}: other features were merged there meanwhile, and these files conflict: ${files.join(', ')}.
Merge ${buildBranch} into your branch (git merge ${buildBranch}), resolve every conflict keeping both features working, commit, check that your feature still passes, then end your turn.`

/** A person's answer to the question an agent asked. */
export const answerPrompt = (question: string, answer: string) =>
  `A person answered your question.\n\nYou asked: ${question}\n\nThe answer: ${answer}\n\nGo on with the feature.`

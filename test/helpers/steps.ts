/** One question of the wizard, asked on its own with scripted answers: what it asks, offers and returns. */
import assert from 'node:assert/strict';
import { presetAnswers } from '../../src/cli/answers.ts';
import type { MailSettings } from '../../src/settings/settings.ts';
import type { Question, QuestionId, StepContext } from '../../src/wizard/questions/index.ts';
import { capturedOutput, scriptedPrompter, type Asked } from './scripted.ts';

export const NOW = new Date('2026-12-01T17:00:00Z');

export async function ask<K extends QuestionId>(
  question: Question<K>,
  script: [message: string, answer: unknown][],
  { draft = {}, stored = {} }: { draft?: Partial<MailSettings>; stored?: Partial<MailSettings> } = {},
): Promise<{ answer: MailSettings[K]; asked: Asked[]; screen: string }> {
  const { prompt, asked } = scriptedPrompter(script);
  const { out, text } = capturedOutput();
  const ctx: StepContext = { draft, stored, prompt, out, now: () => NOW };
  assert.ok(question.ask, `the ${question.id} question has no prompt`);
  const answer = await question.ask(ctx, question.defaultValue(draft, stored));
  return { answer, asked, screen: text() };
}

/** What the command line says of this value for a flag (by commander's attribute, `timeZone` for --time-zone): the same path as a real run's (answers.ts). */
export function flagRefusal(option: string, value: string | boolean): string | undefined {
  return presetAnswers({ [option]: value }).problems[0];
}

/**
 * The questions in the installer's order: the order they are asked in, the summary sheet's rows,
 * the change list's, the answers file's keys and the command line's answer flags. A new question
 * is one new file in this folder and its place in this list.
 */
import { allowAllUsersQuestion } from './allow-all-users.ts';
import { authQuestion } from './auth.ts';
import { connectionTimeoutQuestion } from './connection-timeout.ts';
import { ehloNameQuestion } from './ehlo-name.ts';
import { hostQuestion } from './host.ts';
import { passwordQuestion } from './password.ts';
import { portQuestion } from './port.ts';
import { protocolQuestion } from './protocol.ts';
import { readTimeoutQuestion } from './read-timeout.ts';
import { senderQuestion } from './sender.ts';
import type { Question, QuestionId } from './question.ts';
import { starttlsQuestion } from './starttls.ts';
import { timeZoneQuestion } from './time-zone.ts';
import { usernameQuestion } from './username.ts';

export type { GivenInAdvance, Question, QuestionId, StepContext } from './question.ts';

/** Each setting's question, by its id, in the installer's order. */
export const QUESTION: { readonly [K in QuestionId]: Question<K> } = {
  protocol: protocolQuestion,
  host: hostQuestion,
  port: portQuestion,
  starttls: starttlsQuestion,
  timeZone: timeZoneQuestion,
  auth: authQuestion,
  username: usernameQuestion,
  password: passwordQuestion,
  sender: senderQuestion,
  allowSendToAllUsers: allowAllUsersQuestion,
  connectionTimeoutMs: connectionTimeoutQuestion,
  readTimeoutMs: readTimeoutQuestion,
  ehloName: ehloNameQuestion,
};

/** The questions in the installer's order. */
export const QUESTIONS: readonly Question[] = Object.values(QUESTION);

/** How a setting is named to a person (summary sheet, change list, messages). */
export function labelOf(id: QuestionId): string {
  return QUESTION[id].label;
}

/** The label inside a sentence: "the mail host", "the STARTTLS" (an acronym keeps its case). */
export function labelInSentence(id: QuestionId): string {
  return labelOf(id).replace(/^[A-Z](?=[a-z])/, (letter) => letter.toLowerCase());
}

import { authQuestion, passwordQuestion, usernameQuestion } from './authentication.ts';
import { allUsersQuestion } from './all-users.ts';
import type { Question } from './context.ts';
import { protocolQuestion } from './protocol.ts';
import { hostQuestion, portQuestion, starttlsQuestion } from './server.ts';
import { timeZoneQuestion } from './time-zone.ts';

/** The questions in the installer's order. */
export const QUESTIONS: readonly Question[] = [
  protocolQuestion,
  hostQuestion,
  portQuestion,
  starttlsQuestion,
  timeZoneQuestion,
  authQuestion,
  usernameQuestion,
  passwordQuestion,
  allUsersQuestion,
] as Question[];

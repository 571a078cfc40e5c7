/**
 * The questions' capability: the few Inquirer prompts the wizard uses, behind one interface so
 * steps can be driven by scripted answers in tests. Inquirer loads on the first question only.
 * Ctrl+C at a prompt (Inquirer's ExitPromptError) becomes a CancelledError here, and only here.
 */
import { CancelledError } from '../errors.ts';

export interface Choice<T> {
  value: T;
  name: string;
  /** Shown after the question once answered; `name` when absent. */
  short?: string;
  description?: string;
}

export interface Prompter {
  select<T>(config: { message: string; choices: readonly Choice<T>[]; default?: T; pageSize?: number }): Promise<T>;
  input(config: { message: string; default?: string; validate?: (value: string) => true | string | Promise<true | string> }): Promise<string>;
  confirm(config: { message: string; default?: boolean }): Promise<boolean>;
  password(config: { message: string; validate?: (value: string) => true | string }): Promise<string>;
  search<T>(config: { message: string; source: (term: string | undefined) => readonly Choice<T>[]; default?: T; pageSize?: number }): Promise<T>;
}

export interface PromptStreams {
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
}

/** The answer, or a CancelledError when the administrator pressed Ctrl+C at the prompt. */
async function cancellable<T>(answer: Promise<T>): Promise<T> {
  try {
    return await answer;
  } catch (error) {
    if (error instanceof Error && error.name === 'ExitPromptError') throw new CancelledError();
    throw error;
  }
}

export function inquirerPrompter(streams: PromptStreams = {}): Prompter {
  const context = { ...streams, clearPromptOnDone: false };
  return {
    select: async (config) => cancellable((await import('@inquirer/select')).default(config, context)),
    input: async (config) => cancellable((await import('@inquirer/input')).default(config, context)),
    confirm: async (config) => cancellable((await import('@inquirer/confirm')).default(config, context)),
    password: async (config) => cancellable((await import('@inquirer/password')).default({ ...config, mask: '•' }, context)),
    search: async (config) => cancellable((await import('@inquirer/search')).default(config, context)),
  };
}

/**
 * The questions' capability: the few Inquirer prompts the wizard uses, behind one interface so
 * steps can be driven by scripted answers in tests. Inquirer loads on the first question only.
 */
export interface Choice<T> {
  value: T;
  name: string;
  /** Shown after the question once answered; `name` when absent. */
  short?: string;
  description?: string;
}

export interface Prompter {
  select<T>(config: { message: string; choices: readonly Choice<T>[]; default?: T; pageSize?: number }): Promise<T>;
  input(config: { message: string; default?: string; validate?: (value: string) => true | string }): Promise<string>;
  confirm(config: { message: string; default?: boolean }): Promise<boolean>;
  password(config: { message: string; validate?: (value: string) => true | string }): Promise<string>;
  search<T>(config: { message: string; source: (term: string | undefined) => readonly Choice<T>[]; default?: T; pageSize?: number }): Promise<T>;
}

export interface PromptStreams {
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
}

export function inquirerPrompter(streams: PromptStreams = {}): Prompter {
  const context = { ...streams, clearPromptOnDone: false };
  return {
    select: async (config) => (await import('@inquirer/select')).default(config, context),
    input: async (config) => (await import('@inquirer/input')).default(config, context),
    confirm: async (config) => (await import('@inquirer/confirm')).default(config, context),
    password: async (config) => (await import('@inquirer/password')).default({ ...config, mask: '•' }, context),
    search: async (config) => (await import('@inquirer/search')).default(config, context),
  };
}

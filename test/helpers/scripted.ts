/** Scripted capabilities for driving the wizard's steps without a terminal. */
import { Writable } from 'node:stream';
import { afterEach } from 'node:test';
import { createOutput, type Output } from '../../src/output.ts';
import type { Prompter } from '../../src/wizard/prompter.ts';

export interface Asked {
  kind: keyof Prompter;
  message: string;
  default?: unknown;
  /** For a select: the names of the choices offered, as the administrator reads them. */
  choices?: string[];
  /** The prompt's inline check, to try refused answers on. */
  validate?: (value: string) => true | string | Promise<true | string>;
}

/** The scripts of the current test, checked when it ends. */
const scripts: [string, unknown][][] = [];

// Answers left unused mean the wizard stopped earlier than the test thinks: the test fails.
afterEach(() => {
  const unused = scripts.splice(0).flat();
  if (unused.length > 0) throw new Error(`scripted answers left unused: ${unused.map(([message]) => JSON.stringify(message)).join(', ')}`);
});

/**
 * Answers are taken in order; each names the question it expects (by the start of its message),
 * so a test fails loudly when the wizard asks something else. A `validate` function given to a
 * prompt is applied, as Inquirer would, and a refused answer fails the test with its message.
 * A test that ends with answers left over fails too.
 */
export function scriptedPrompter(script: [message: string, answer: unknown][]): { prompt: Prompter; asked: Asked[] } {
  const asked: Asked[] = [];
  const queue = [...script];
  scripts.push(queue);
  const next = async (
    kind: keyof Prompter,
    config: { message: string; default?: unknown; validate?: (value: string) => true | string | Promise<true | string>; choices?: readonly { name: string }[] },
  ) => {
    asked.push({ kind, message: config.message, default: config.default, choices: config.choices?.map((choice) => choice.name), validate: config.validate });
    const step = queue.shift();
    if (!step) throw new Error(`unexpected question: ${config.message}`);
    const [expected, given] = step;
    if (!config.message.startsWith(expected)) throw new Error(`expected question "${expected}", got "${config.message}"`);
    // Like Inquirer's input: an empty answer takes the default, and the result is validated.
    const answer = kind === 'input' && given === '' && config.default !== undefined ? config.default : given;
    if (config.validate && typeof answer === 'string') {
      const verdict = await config.validate(answer);
      if (verdict !== true) throw new Error(`answer ${JSON.stringify(answer)} refused: ${verdict}`);
    }
    return answer;
  };
  const prompt: Prompter = {
    select: async (config) => (await next('select', config)) as never,
    input: async (config) => (await next('input', config)) as string,
    confirm: async (config) => (await next('confirm', config)) as boolean,
    password: async (config) => (await next('password', config)) as string,
    search: async (config) => (await next('search', config)) as never,
  };
  return { prompt, asked };
}

export function capturedOutput(): { out: Output; text: () => string } {
  let buffer = '';
  const sink = new Writable({
    write(chunk, _encoding, done) {
      buffer += String(chunk);
      done();
    },
  });
  return { out: createOutput({ stdout: sink, stderr: sink, env: { NO_COLOR: '1' } }), text: () => buffer };
}

/**
 * The command line's edge: commander's option values, parsed once into one typed invocation per
 * command. Every flag is checked by its schema (schemas.ts), in the words its prompt uses; past
 * this module no code reads an untyped option bag. Commander only splits the words.
 */
import * as z from 'zod';
import { ANSWER_FIELDS, type AnswerFlags } from './answers.ts';
import { probeTimeoutSecondsSchema, testRecipientSchema } from '../settings/schemas.ts';

export type CommandName = 'wizard' | 'check' | 'show' | 'demo';

/** How the mail server is checked, as the flags say (the CA file is read later, once). */
export interface ProbeFlags {
  timeoutMs: number;
  caFile?: string;
  acceptCertificate?: string;
  testRecipient?: string;
  /** --allow-plaintext-auth: the password may cross a connection without TLS in this run. */
  allowPlaintextAuth: boolean;
}

interface Parsed {
  json: boolean;
  /** Flags refused by their schema, each "--flag: message"; the answer flags are checked with the answers file (answers.ts). */
  problems: string[];
}

export interface WizardInvocation extends Parsed {
  command: 'wizard';
  file: string;
  reconfigure: boolean;
  interactive: boolean;
  force: boolean;
  dryRun: boolean;
  answers: AnswerFlags;
  answersFile?: string;
  writeAnswers?: string;
  password: { file?: string; stdin: boolean };
  /** undefined: --no-probe. */
  probe?: ProbeFlags;
  /** Check options given with --no-probe, where they have no effect. */
  unusedProbeFlags: string[];
}

export interface CheckInvocation extends Parsed {
  command: 'check';
  file: string;
  probe: ProbeFlags;
}

export interface ShowInvocation extends Parsed {
  command: 'show';
  file: string;
}

export interface DemoInvocation extends Parsed {
  command: 'demo';
}

export type Invocation = WizardInvocation | CheckInvocation | ShowInvocation | DemoInvocation;

/** Commander's option values: what it parsed, untyped. Read only here. */
export type CommandLineOptions = Record<string, unknown>;

const on = z
  .boolean()
  .optional()
  .transform((value) => value === true);
const text = (field: string) => z.string({ error: `${field} must be text` }).optional();

const probeShape = {
  probeTimeout: probeTimeoutSecondsSchema.optional().transform((seconds) => (seconds ?? 10) * 1000),
  testRecipient: testRecipientSchema.optional(),
  caFile: text('CA file'),
  acceptCertificate: text('certificate fingerprint'),
  allowPlaintextAuth: on,
};

const commonShape = {
  file: z
    .string({ error: 'file must be text' })
    .optional()
    .transform((file) => file ?? 'installer.properties'),
  json: on,
};

const answerShape = Object.fromEntries(ANSWER_FIELDS.map((field) => [field.option, z.union([z.string(), z.boolean()]).optional()])) as {
  [option in keyof AnswerFlags]-?: z.ZodOptional<z.ZodUnion<[z.ZodString, z.ZodBoolean]>>;
};

const wizardSchema = z.object({
  ...commonShape,
  ...probeShape,
  ...answerShape,
  reconfigure: on,
  nonInteractive: on,
  force: on,
  dryRun: on,
  answers: text('answers file'),
  writeAnswers: text('answers file'),
  passwordFile: text('password file'),
  passwordStdin: on,
  probe: z
    .boolean()
    .optional()
    .transform((value) => value !== false),
});

const checkSchema = z.object({ ...commonShape, ...probeShape });
const showSchema = z.object(commonShape);

/** "probeTimeout" → "--probe-timeout". */
function flagName(option: PropertyKey): string {
  return `--${String(option).replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
}

/**
 * The options parsed by `schema`. A refused flag is reported once, with its first message, and
 * parsing goes on as if it had not been given, so every other flag is still checked.
 */
function parse<T>(schema: z.ZodType<T>, options: CommandLineOptions): { value: T; problems: string[] } {
  const refused = new Map<string, string>();
  for (;;) {
    const given = Object.fromEntries(Object.entries(options).filter(([option]) => !refused.has(option)));
    const result = schema.safeParse(given);
    if (result.success) return { value: result.data, problems: [...refused.values()] };
    const before = refused.size;
    for (const issue of result.error.issues) {
      const option = String(issue.path[0]);
      if (!refused.has(option)) refused.set(option, `${flagName(option)}: ${issue.message}`);
    }
    if (refused.size === before) throw new Error(`options refused: ${result.error.message}`);
  }
}

function probeFlags(options: z.infer<typeof checkSchema>): ProbeFlags {
  return {
    timeoutMs: options.probeTimeout,
    caFile: options.caFile,
    acceptCertificate: options.acceptCertificate,
    testRecipient: options.testRecipient,
    allowPlaintextAuth: options.allowPlaintextAuth,
  };
}

function wizardInvocation(options: CommandLineOptions): WizardInvocation {
  const { value, problems } = parse(wizardSchema, options);
  const answers: { -readonly [option in keyof AnswerFlags]: AnswerFlags[option] } = {};
  for (const field of ANSWER_FIELDS) answers[field.option] = value[field.option];
  const unusedProbeFlags = value.probe
    ? []
    : [
        value.caFile !== undefined && '--ca-file',
        value.acceptCertificate !== undefined && '--accept-certificate',
        value.testRecipient !== undefined && '--test-recipient',
        value.allowPlaintextAuth && '--allow-plaintext-auth',
      ].filter((flag): flag is string => flag !== false);
  return {
    command: 'wizard',
    json: value.json,
    problems,
    file: value.file,
    reconfigure: value.reconfigure,
    interactive: !value.nonInteractive,
    force: value.force,
    dryRun: value.dryRun,
    answers,
    answersFile: value.answers,
    writeAnswers: value.writeAnswers,
    password: { file: value.passwordFile, stdin: value.passwordStdin },
    probe: value.probe ? probeFlags(value) : undefined,
    unusedProbeFlags,
  };
}

export function parseInvocation(command: CommandName, options: CommandLineOptions): Invocation {
  if (command === 'wizard') return wizardInvocation(options);
  if (command === 'check') {
    const { value, problems } = parse(checkSchema, options);
    return { command, json: value.json, problems, file: value.file, probe: probeFlags(value) };
  }
  if (command === 'show') {
    const { value, problems } = parse(showSchema, options);
    return { command, json: value.json, problems, file: value.file };
  }
  return { command, json: false, problems: [] };
}

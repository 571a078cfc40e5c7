/**
 * The refusals of the mail services administrators relay through (Microsoft 365, Google, SendGrid,
 * Amazon SES), each recognised by its code, enhanced code and words, with the service's own fix.
 * replies.ts and the EHLO stage consult this table first; a reply it does not know gets their
 * generic diagnosis. The replies are the services' own (their documentation and support pages);
 * test/probe/provider-replies.test.ts replays each one exactly.
 */
import { fail, type StageFailure } from './failures.ts';
import type { Reply } from './replies.ts';
import type { FailureKind, ProbeQuestion, StageName } from './types.ts';

/** Microsoft 365 in 2026, and the two ways forward for Teaming's JavaMail (which cannot refresh OAuth tokens). */
export const MICROSOFT_365_WAYS_FORWARD =
  'Microsoft is retiring basic-auth SMTP AUTH: from the end of December 2026 it is off by default for existing tenants and not available to new ones, ' +
  "and Teaming's JavaMail cannot sign in with OAuth. Two ways forward: (1) while Microsoft still allows it, enable SMTP AUTH for this one mailbox " +
  '(Exchange Online PowerShell: Set-CASMailbox -Identity <mailbox> -SmtpClientAuthenticationDisabled $false); or (2) relay through a connector: ' +
  'host <tenant>.mail.protection.outlook.com, port 25, SMTP with STARTTLS, no authentication, with an inbound connector that allows this ' +
  "server's public IP address (or its certificate) and a sender in one of the tenant's accepted domains (--service Outlook365-Connector)";

interface ProviderReply {
  /** The service, as the diagnosis names it. */
  provider: string;
  /** The stages where the service sends it. */
  stages: readonly StageName[];
  code: number;
  /** The enhanced code of the first line; null: the service sends none (absent: any). */
  enhanced?: string | null;
  /** Words that tell it from another service's reply with the same codes. */
  words: RegExp;
  kind: FailureKind;
  message: string;
  advice: string;
  question?: ProbeQuestion;
}

const SENDER_STAGES = ['envelope', 'message'] as const;

const PROVIDER_REPLIES: readonly ProviderReply[] = [
  {
    provider: 'Microsoft 365',
    stages: ['auth'],
    code: 535,
    enhanced: '5.7.139',
    words: /SmtpClientAuthentication is disabled/i,
    kind: 'auth-refused',
    message: 'SMTP AUTH is disabled for this Microsoft 365 tenant',
    advice: MICROSOFT_365_WAYS_FORWARD,
  },
  {
    provider: 'Microsoft 365',
    stages: ['auth'],
    code: 535,
    enhanced: '5.7.30',
    words: /Basic authentication is not supported/i,
    kind: 'auth-refused',
    message: 'Microsoft 365 no longer accepts basic authentication (user name and password) for SMTP on this tenant',
    advice: MICROSOFT_365_WAYS_FORWARD,
  },
  {
    provider: 'Microsoft 365',
    stages: ['auth'],
    code: 535,
    enhanced: '5.7.3',
    words: /Authentication unsuccessful/i,
    kind: 'auth-refused',
    message: 'Microsoft 365 refused the sign-in',
    advice: `check the user name (the mailbox's full address) and its password; if they are right, SMTP AUTH is off for the mailbox or the tenant (security defaults turn it off). ${MICROSOFT_365_WAYS_FORWARD}`,
    question: 'password',
  },
  {
    provider: 'Google',
    stages: ['auth'],
    code: 534,
    enhanced: '5.7.9',
    words: /Application-specific password required/i,
    kind: 'auth-refused',
    message: 'Google wants an app password for this account, not its normal password',
    advice:
      'turn on 2-Step Verification for the account, create an app password (Google Account → Security → App passwords) and enter its 16 letters as the password; ' +
      'or use the Workspace relay smtp-relay.gmail.com with this server registered in the Admin console',
    question: 'password',
  },
  {
    provider: 'Google',
    stages: ['auth'],
    code: 535,
    enhanced: '5.7.8',
    words: /Username and Password not accepted/i,
    kind: 'auth-refused',
    message: 'Google did not accept the user name and password',
    advice:
      'the user name is the full Gmail or Workspace address; the password must be an app password (it needs 2-Step Verification), since Google refuses the normal password for SMTP; ' +
      "for the Workspace relay (smtp-relay.gmail.com) the Admin console must allow SMTP AUTH or register this server's IP address",
    question: 'password',
  },
  {
    provider: 'Google',
    stages: ['ehlo'],
    code: 421,
    enhanced: '4.7.0',
    words: /\(EHLO\)/,
    kind: 'ehlo-refused',
    message: "Google's relay refuses the name this machine announces with EHLO",
    advice:
      "smtp-relay.gmail.com wants a fully-qualified EHLO name: set the name Teaming announces (mail.smtp.localhost) to this server's DNS name; " +
      "the relay also needs this server's IP address registered in the Admin console (Gmail → Routing → SMTP relay service), or SMTP AUTH",
    question: 'host',
  },
  {
    provider: 'SendGrid',
    stages: SENDER_STAGES,
    code: 550,
    words: /does not match a verified Sender Identity/i,
    kind: 'sender-not-owned',
    message: 'SendGrid refuses the sender: it is not a verified Sender Identity',
    advice:
      'verify the address Teaming sends from in SendGrid (Settings → Sender Authentication: Single Sender Verification, or authenticate its whole domain), or send from an address already verified',
  },
  {
    provider: 'Amazon SES',
    stages: SENDER_STAGES,
    code: 554,
    words: /Email address is not verified/i,
    kind: 'sender-not-owned',
    message: 'Amazon SES refuses the sender: the address is not a verified identity in this region',
    advice:
      'verify the address Teaming sends from, or its domain, in the SES console of the region the host names (identities are per region); ' +
      'while the account is in the SES sandbox, every recipient must be verified too',
  },
  {
    provider: 'Amazon SES',
    stages: ['auth'],
    code: 535,
    // Without an enhanced code: smtp-server and others say "535 5.7.8 Authentication credentials invalid".
    enhanced: null,
    words: /Authentication Credentials Invalid/i,
    kind: 'auth-refused',
    message: 'Amazon SES refused the SMTP credentials',
    advice:
      'SES signs in with SMTP credentials (SES console → SMTP settings → Create SMTP credentials), not with an IAM access key and secret; they belong to one region, the one the host names',
    question: 'username',
  },
];

/** The service's diagnosis of `reply` at `stage`, when it is one of the replies above. */
export function providerRefusal(stage: StageName, reply: Reply): StageFailure | undefined {
  const known = PROVIDER_REPLIES.find(
    (entry) =>
      entry.stages.includes(stage) &&
      entry.code === reply.code &&
      (entry.enhanced === undefined || entry.enhanced === (reply.enhanced ?? null)) &&
      entry.words.test(reply.lines.join(' ')),
  );
  if (!known) return undefined;
  return fail(stage, known.kind, `${known.message}: ${reply.raw}`, known.advice, {
    serverReply: reply.raw,
    provider: known.provider,
    ...(known.question && { question: known.question }),
  });
}

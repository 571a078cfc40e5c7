/**
 * The state of one probe's session, which the stage modules share: the settings and options, the
 * deadline, the connection as it grows (TCP socket, bounded socket, SMTP channel, TLS socket) and
 * what the report will say (banner, capabilities, certificate, envelope…). Each stage module
 * takes it, does its part of the dialogue and returns its value and the detail of its report line.
 */
import type net from 'node:net';
import type tls from 'node:tls';
import type { MailSettings } from '../../settings/settings.ts';
import type { BoundedSocket } from '../bounded-socket.ts';
import type { Deadline } from '../deadline.ts';
import type { Reply } from '../replies.ts';
import type { SmtpChannel } from '../smtp-channel.ts';
import type { CertificateInfo, ProbeOptions, ProbeReport, ServerCapabilities } from '../types.ts';

/** What a stage hands back: its value, and the detail of its line in the report. */
export interface StageResult<T> {
  value: T;
  detail: string;
}

export class ProbeSession {
  readonly transcript: string[] = [];
  /** The host without the brackets of an IPv6 literal. */
  readonly host: string;
  address: string | undefined;
  socket: net.Socket | undefined;
  wire: BoundedSocket | undefined;
  channel: SmtpChannel | undefined;
  /** The TLS socket, SMTPS or STARTTLS, once its certificate was read. */
  tlsSocket: tls.TLSSocket | undefined;
  certificate: CertificateInfo | undefined;
  banner: string | undefined;
  /** Capabilities of the last EHLO; `plainCapabilities` those before STARTTLS. */
  capabilities: ServerCapabilities | undefined;
  plainCapabilities: ServerCapabilities | undefined;
  authMechanism: string | undefined;
  passwordUnencrypted = false;
  envelope: ProbeReport['envelope'];
  /** The EHLO name as JavaMail would say it (stages/ehlo.ts), looked up while connecting; undefined: an address literal. */
  ehloName: Promise<string | undefined> | undefined;
  accepted: ProbeReport['accepted'];

  constructor(
    readonly settings: MailSettings,
    readonly options: ProbeOptions,
    readonly deadline: Deadline,
  ) {
    this.host = settings.host.replace(/^\[(.*)\]$/, '$1');
  }

  /** The SMTP channel, once the connection speaks SMTP. */
  get smtp(): SmtpChannel {
    if (!this.channel) throw new Error('no SMTP channel yet');
    return this.channel;
  }

  /** The server's next reply, within the deadline. */
  reply(): Promise<Reply> {
    return this.deadline.race(this.smtp.reply());
  }
}

/**
 * The TLS handshakes the probe makes itself: SMTPS, STARTTLS and the try of a silent port with
 * TLS. Not nodemailer's: its TLS reports a failed or silent handshake only as ETLS/ETIMEDOUT with
 * OpenSSL's text, where the probe tells a plain-text port, a reset, a silent port and a
 * certificate problem apart.
 */
import { ipVersion } from '../settings/ip-address.ts';
import type { Duplex } from 'node:stream';
import type tls from 'node:tls';
import type { CertificateProblem } from './certificate.ts';
import { fail, type StageFailure } from './failures.ts';
import { terminalSafe } from '../output.ts';
import { ignore } from './bounded-socket.ts';
import type { CertificateInfo } from './types.ts';

/**
 * node:tls loads at its first use, not with the probe: a plain SMTP check never needs it, and a
 * TLS check loads it, and makes its secure context, while it waits for the connection and the
 * greeting (see connectStage).
 */
const tlsModule = (): typeof tls => process.getBuiltinModule('node:tls');

const secureContexts = new Map<string, tls.SecureContext>();

/**
 * What a handshake trusts: Node's bundled root certificates and, given one, the CA of --ca-file
 * (`ca` replaces the defaults, so they are listed with it, as Node's documentation says). Built once
 * per CA and shared by every handshake of the process (TLS-mode detection makes several). With a
 * CA, OpenSSL parses every bundled root certificate from its PEM text (tens of milliseconds), so
 * the probe makes the context while the network is busy, not between a reply and the next command.
 */
export function secureContextFor(ca: string | undefined): tls.SecureContext {
  const key = ca ?? '';
  let context = secureContexts.get(key);
  if (!context) {
    const { createSecureContext, rootCertificates } = tlsModule();
    context = createSecureContext(ca ? { ca: [...rootCertificates, ca] } : {});
    secureContexts.set(key, context);
  }
  return context;
}

/**
 * Starts TLS over `socket` without rejecting any certificate: the probe checks it itself once the
 * handshake is done, before anything secret is sent, so it can report what it saw.
 */
export function startHandshake(socket: Duplex, host: string, ca: string | undefined): tls.TLSSocket {
  return tlsModule()
    .connect({
      socket,
      host,
      servername: ipVersion(host) === 0 ? host : undefined,
      rejectUnauthorized: false,
      secureContext: secureContextFor(ca),
    })
    .on('error', ignore);
}

/** Resolves when the handshake is done; rejects with its error, or when the connection closes first. */
export function handshakeDone(secure: tls.TLSSocket): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onClose = () => reject(Object.assign(new Error('socket disconnected before the TLS handshake ended'), { code: 'ECONNRESET' }));
    secure.once('error', reject).once('close', onClose);
    secure.once('secureConnect', () => {
      secure.off('error', reject).off('close', onClose);
      resolve();
    });
  });
}

/** A certificate that is not trusted, not for this host, or out of date: both fixes and the fingerprint. */
export function certificateFailure(secure: tls.TLSSocket, info: CertificateInfo, problem: CertificateProblem, host: string): StageFailure {
  const accept = `accept this one certificate with --accept-certificate ${info.sha256} (its SHA-256 fingerprint)`;
  const extra = { certificateSha256: info.sha256 };
  if (problem === 'name-mismatch') {
    const names = terminalSafe(secure.getPeerCertificate().subjectaltname ?? info.subject);
    return fail(
      'tls',
      'certificate-name-mismatch',
      `the server's certificate is for ${names}, not for ${host}`,
      `enter the host name the certificate names, or ${accept}`,
      { ...extra, question: 'host' },
    );
  }
  if (problem === 'expired') {
    return fail(
      'tls',
      'certificate-expired',
      `the server's certificate is ${info.verification} (valid ${info.validFrom} to ${info.validTo})`,
      `the mail administrator must renew it; meanwhile you can ${accept}`,
      extra,
    );
  }
  return fail(
    'tls',
    'certificate-untrusted',
    `the server's certificate is not trusted: ${info.verification} (${info.subject}, issued by ${info.issuer})`,
    `trust the CA that signed it with --ca-file (its PEM file), or ${accept}`,
    extra,
  );
}

/**
 * The server certificate: what it says, whether it is trusted, for this host, in date, or the one
 * accepted by fingerprint. Not nodemailer's: SMTPConnection either refuses a certificate with
 * OpenSSL's words or accepts any; the probe reads it itself (rejectUnauthorized false, nothing
 * secret sent yet) to say which problem it has and offer its fingerprint.
 */
import type { PeerCertificate, TLSSocket } from 'node:tls';
import { fail, type StageFailure } from './failures.ts';
import { terminalSafe } from '../output.ts';
import type { CertificateInfo } from './types.ts';

/** `AA:BB:…` upper case, whatever form the fingerprint was typed in. */
export function normalizeFingerprint(text: string): string {
  const hex = text
    .replace(/^sha-?256[:=\s]*/i, '')
    .replace(/[^0-9a-f]/gi, '')
    .toUpperCase();
  return hex.match(/.{1,2}/g)?.join(':') ?? '';
}

function distinguishedName(name: PeerCertificate['subject'] | undefined): string {
  if (!name) return '(none)';
  const parts: string[] = [];
  for (const key of ['CN', 'O', 'OU', 'C'] as const) {
    const value = name[key];
    if (value !== undefined) parts.push(`${key}=${Array.isArray(value) ? value.join('+') : value}`);
  }
  return parts.length > 0 ? terminalSafe(parts.join(', ')) : '(none)';
}

const VERIFICATION_WORDS: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'signed by a CA that is not trusted (self-signed CA in the chain)',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'signed by a CA that is not trusted',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'signed by a CA that is not trusted (or the server omits the intermediate certificate)',
  CERT_HAS_EXPIRED: 'expired',
  CERT_NOT_YET_VALID: 'not valid yet',
  ERR_TLS_CERT_ALTNAME_INVALID: 'issued for another host name',
};

export type CertificateProblem = 'untrusted' | 'expired' | 'name-mismatch' | 'fingerprint-mismatch';

export interface CertificateCheck {
  info: CertificateInfo;
  /** undefined when the certificate is trusted or explicitly accepted. */
  problem?: CertificateProblem;
}

/**
 * Checks the certificate of a connection made with rejectUnauthorized: false — nothing secret
 * has been sent yet — against Node's verification result and the fingerprint the user accepted.
 */
export function checkCertificate(socket: TLSSocket, acceptSha256: string | undefined): CertificateCheck {
  const peer = socket.getPeerCertificate();
  const sha256 = peer.fingerprint256 ?? '';
  const base = {
    subject: distinguishedName(peer.subject),
    issuer: distinguishedName(peer.issuer),
    validFrom: peer.valid_from ?? '',
    validTo: peer.valid_to ?? '',
    sha256,
    dnsNames: dnsNamesOf(peer),
    pem: peer.raw ? pemOf(peer.raw) : undefined,
  };
  if (socket.authorized) return { info: { ...base, verification: 'trusted', trusted: true } };
  if (acceptSha256 !== undefined && sha256 !== '' && normalizeFingerprint(acceptSha256) === sha256) {
    return { info: { ...base, verification: 'accepted by fingerprint', trusted: true } };
  }
  if (acceptSha256 !== undefined) {
    return { info: { ...base, verification: 'not the accepted fingerprint', trusted: false }, problem: 'fingerprint-mismatch' };
  }
  const code = String(socket.authorizationError ?? 'unknown');
  const verification = VERIFICATION_WORDS[code] ?? code;
  const problem: CertificateProblem =
    code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID' ? 'expired' : code === 'ERR_TLS_CERT_ALTNAME_INVALID' ? 'name-mismatch' : 'untrusted';
  return { info: { ...base, verification, trusted: false }, problem };
}

/** The DNS names of the certificate's subjectAltName ("DNS:a, IP Address:…"), as plain text. */
function dnsNamesOf(peer: PeerCertificate): string[] {
  return (peer.subjectaltname ?? '')
    .split(/,\s*/)
    .filter((entry) => entry.startsWith('DNS:'))
    .map((entry) => terminalSafe(entry.slice(4)));
}

/** The certificate as PEM, as keytool -importcert reads it. */
function pemOf(der: Buffer): string {
  const base64 = der
    .toString('base64')
    .match(/.{1,64}/g)!
    .join('\n');
  return `-----BEGIN CERTIFICATE-----\n${base64}\n-----END CERTIFICATE-----\n`;
}

/** `TLSv1.3 TLS_AES_256_GCM_SHA384; certificate CN=mail.example.com issued by CN=R3, O=Let's Encrypt, expires …: trusted` */
export function describeTls(socket: TLSSocket, info: CertificateInfo, via: string): string {
  const cipher = socket.getCipher();
  return `${socket.getProtocol() ?? 'TLS'} ${cipher.standardName ?? cipher.name} ${via}; certificate ${info.subject} issued by ${info.issuer}, expires ${info.validTo}: ${info.verification}`;
}

/** `TLSv1.3` → `TLS 1.3` for the summary line. */
export function tlsVersionWords(socket: TLSSocket): string {
  return (socket.getProtocol() ?? 'TLS').replace(/^TLSv/, 'TLS ');
}

/** --accept-certificate names another certificate than the one the server presents. */
export function fingerprintMismatch(info: CertificateInfo, accepted: string): StageFailure {
  return fail(
    'tls',
    'certificate-fingerprint-mismatch',
    `the accepted certificate fingerprint ${normalizeFingerprint(accepted) || accepted} does not match: the server presents ${info.sha256} (${info.subject}, issued by ${info.issuer})`,
    "check the fingerprint accepted (given with --accept-certificate, or trusted earlier and saved beside the settings file): if the server's certificate was renewed or you copied another one, accept the one shown here only after checking it with the mail administrator",
    { certificateSha256: info.sha256 },
  );
}

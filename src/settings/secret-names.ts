/**
 * Which names name a secret: a key (`ldap.credentials`, `jdbc.pwd`), an attribute
 * (`mail.imap.password`), an element or an option (`--password`). Their values are masked by what
 * they are, wherever they are shown, never by looking for the secret's text.
 */
const SECRET_WORDS = /pass|pwd|secret|credential|token|key/i;

export function namesASecret(name: string): boolean {
  return SECRET_WORDS.test(name);
}

/**
 * A command-line error without the value of an option that names a secret (`--password=S3cret` →
 * `--password=<not shown>`): an operator's slip must not put the password on screen.
 */
export function withoutSecretValues(message: string): string {
  return message.replace(/(--?[\w-]+)=[^'"\s]*/g, (whole, option: string) => (namesASecret(option) ? `${option}=<not shown>` : whole));
}

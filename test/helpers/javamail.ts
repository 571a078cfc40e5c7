/**
 * Real JavaMail (Debian's libmail-java, JavaMail 1.6) sending through files the wizard wrote: one
 * JVM run of test/java/SendWithJavaMail.java for many files, trusting only the given trust store;
 * and keytool, to build that trust store as an administrator would. Missing Java or JavaMail is an
 * error that says what to install, never a skipped test.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const SENDER = fileURLToPath(new URL('../java/SendWithJavaMail.java', import.meta.url));
export const JAVAMAIL_JAR = '/usr/share/java/javax.mail.jar';
const INSTALL = 'apt-get install -y libmail-java openjdk-17-jdk-headless (or run .ci/run as root)';

export interface JavaMailSend {
  file: string;
  sent: boolean;
  /** The exception and its causes, "A <- B". */
  error?: string;
}

function run(command: string, args: string[], timeout: number): Promise<string> {
  if (!existsSync(JAVAMAIL_JAR)) throw new Error(`JavaMail is not installed (${JAVAMAIL_JAR} is missing): ${INSTALL}`);
  return promisify(execFile)(command, args, { timeout, maxBuffer: 16 * 1024 * 1024 }).then(
    ({ stdout }) => stdout,
    (error: NodeJS.ErrnoException & { stderr?: string }) => {
      if (error.code === 'ENOENT') throw new Error(`${command} is not installed: these tests need a JDK 17 with javac and keytool: ${INSTALL}`);
      throw new Error(`${command} failed: ${error.message}\n${error.stderr ?? ''}`);
    },
  );
}

/** Each file through JavaMail, in one JVM trusting only `trustStore` (PKCS12, password changeit). */
export async function javaMailSend(recipient: string, files: string[], trustStore: string): Promise<JavaMailSend[]> {
  const stdout = await run(
    'java',
    [
      '-XX:TieredStopAtLevel=1',
      '-XX:+UseSerialGC',
      `-Djavax.net.ssl.trustStore=${trustStore}`,
      '-Djavax.net.ssl.trustStorePassword=changeit',
      '-Djavax.net.ssl.trustStoreType=PKCS12',
      '-cp',
      JAVAMAIL_JAR,
      SENDER,
      recipient,
      ...files,
    ],
    60_000,
  );
  const results = stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as JavaMailSend);
  if (results.length !== files.length) throw new Error(`JavaMail printed ${results.length} results for ${files.length} files:\n${stdout}`);
  return results;
}

/** keytool with these arguments (e.g. the wizard's -importcert command, aimed at a test trust store). */
export function keytool(args: string[]): Promise<string> {
  return run('keytool', args, 30_000);
}

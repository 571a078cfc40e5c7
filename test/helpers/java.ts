/** Runs test/java/LoadProperties.java once over many files (one JVM start, tuned for a short run): what Java's two loaders read from each. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const LOADER = fileURLToPath(new URL('../java/LoadProperties.java', import.meta.url));

export type JavaMap = Record<string, string> | { error: string };

export interface JavaLoad {
  file: string;
  /** Properties.load(InputStream): ISO-8859-1. */
  stream: JavaMap;
  /** Properties.load(Reader) over UTF-8. */
  reader: JavaMap;
}

export async function javaLoad(files: string[]): Promise<JavaLoad[]> {
  const { stdout } = await promisify(execFile)('java', ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', LOADER, ...files], {
    maxBuffer: 256 * 1024 * 1024,
  }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new Error('java is not installed: these tests need Java 17+ (apt-get install -y openjdk-17-jre-headless)');
    throw error;
  });
  const loads = stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as JavaLoad);
  if (loads.length !== files.length) throw new Error(`java printed ${loads.length} results for ${files.length} files`);
  return loads;
}

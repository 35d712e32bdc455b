/** The repository the tests belong to, found upwards from the compiled test files (out/test/…). */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

function findProjectRoot(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'cloudbase-studio') return dir;
  }
  throw new Error(`No cloudbase-studio package.json above ${__dirname}.`);
}

export const projectRoot = findProjectRoot();

/** A project with function folders on disk, for deploying to the fake cloud. */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function makeProject(functions: Record<string, Record<string, string>>, rc?: Record<string, unknown>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'deploy-project-'));
  for (const [name, files] of Object.entries(functions)) {
    for (const [path, content] of Object.entries(files)) {
      const file = join(root, 'cloudfunctions', name, path);
      await mkdir(join(file, '..'), { recursive: true });
      await writeFile(file, content);
    }
  }
  await writeFile(join(root, 'cloudbaserc.json'), JSON.stringify({ envId: 'studio-test-1a2b3c', functionRoot: 'cloudfunctions', ...rc }));
  return root;
}

export const HELLO = {
  'index.js': "exports.main = async (event) => { console.log('hello', event.name); return { greeting: 'hi ' + event.name, v: 1 }; };\n",
};

/**
 * The manifest's walkthrough and JSON schemas are complete in English and Chinese: every file
 * they name exists in both, the two schemas of each file say the same thing apart from their
 * wording, and the schemas accept what the function runtime reads.
 */
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../support/projectRoot';

const readJson = <T>(path: string): T => JSON.parse(readFileSync(join(projectRoot, path), 'utf8')) as T;
const manifest = readJson<{ contributes: { walkthroughs: { id: string; steps: { id: string; media: { markdown?: string; image?: string } }[] }[]; jsonValidation: { fileMatch: string | string[]; url: string }[] } }>('package.json');
const nls = readJson<Record<string, string>>('package.nls.json');
const nlsZh = readJson<Record<string, string>>('package.nls.zh-cn.json');
const resolveNls = (value: string, table: Record<string, string>): string => value.replace(/^%([^%]+)%$/, (_m, key: string) => table[key] ?? `<missing ${key}>`);

/** The schema with every description and message removed: what it checks, not how it says it. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shape);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => !['description', 'title', 'patternErrorMessage', 'label'].includes(k))
        .map(([k, v]) => [k, shape(v)]),
    );
  }
  return value;
}

describe('conventions in the manifest', () => {
  it('every dependency with an install script is reviewed in allowScripts, so npm ci and npm start print no warning about it', () => {
    const lock = readJson<{ packages: Record<string, { hasInstallScript?: boolean }> }>('package-lock.json');
    const reviewed = readJson<{ allowScripts?: Record<string, boolean> }>('package.json').allowScripts ?? {};
    const withScripts = Object.entries(lock.packages)
      .filter(([path, p]) => path !== '' && p.hasInstallScript)
      .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));
    assert.ok(withScripts.length > 0);
    assert.deepEqual(withScripts.filter((name) => typeof reviewed[name] !== 'boolean'), []);
  });

  it('the Getting Started walkthrough has steps whose media exist in English and Chinese', () => {
    const [walkthrough] = manifest.contributes.walkthroughs;
    assert.ok(walkthrough && walkthrough.steps.length >= 4);
    for (const step of walkthrough.steps) {
      const media = step.media.markdown ?? step.media.image ?? '';
      const en = resolveNls(media, nls);
      const zh = resolveNls(media, nlsZh);
      assert.ok(existsSync(join(projectRoot, en)), `${step.id}: ${en}`);
      assert.ok(existsSync(join(projectRoot, zh)), `${step.id}: ${zh}`);
      assert.notEqual(en, zh, `${step.id} has Chinese media of its own`);
    }
  });

  it('cloudbaserc.json and functions\' config.json get a schema in each language, the two checking the same', () => {
    const matched = manifest.contributes.jsonValidation.flatMap((v) => (Array.isArray(v.fileMatch) ? v.fileMatch : [v.fileMatch]));
    assert.ok(matched.includes('cloudbaserc.json'));
    assert.ok(matched.some((m) => m.endsWith('cloudfunctions/*/config.json')));
    for (const { url } of manifest.contributes.jsonValidation) {
      const en = readJson<Record<string, unknown>>(resolveNls(url, nls));
      const zh = readJson<Record<string, unknown>>(resolveNls(url, nlsZh));
      assert.notEqual(resolveNls(url, nls), resolveNls(url, nlsZh));
      assert.deepEqual(shape(zh), shape(en), url);
      assert.notDeepEqual(zh, en, `${url}: the Chinese schema is translated`);
    }
  });

  it('the function settings the schemas describe are those the runtime reads, with its bounds', () => {
    const config = readJson<{ properties: Record<string, { minimum?: number; maximum?: number; default?: unknown }>; definitions: { trigger: { properties: { type: { enum: string[] } } } } }>('schemas/function-config.schema.json');
    for (const key of ['timeout', 'memorySize', 'runtime', 'handler', 'envVariables', 'triggers']) assert.ok(config.properties[key], key);
    assert.deepEqual([config.properties.timeout!.minimum, config.properties.timeout!.maximum, config.properties.timeout!.default], [1, 900, 3]);
    assert.deepEqual([config.properties.memorySize!.minimum, config.properties.memorySize!.maximum, config.properties.memorySize!.default], [64, 3072, 256]);
    assert.deepEqual(config.definitions.trigger.properties.type.enum, ['timer']);
    const source = readFileSync(join(projectRoot, 'src/project/functions/definitions.ts'), 'utf8');
    assert.match(source, /TIMEOUT_RANGE = \[1, 900\]/);
    assert.match(source, /MEMORY_RANGE = \[64, 3072\]/);
  });
});

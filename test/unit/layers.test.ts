/**
 * The layers stay apart: src/shared, src/cloud and src/emulator never import `vscode` (they run
 * in the CLI and in plain Node), and browser code under webview/ takes nothing but types from
 * src/ (anything else would drag Node code into the webview bundle).
 */
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { projectRoot } from '../support/projectRoot';

const root = projectRoot;
const SOURCE = /\.(ts|tsx|js|mjs|cjs)$/;

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : sourceFiles(path);
    return SOURCE.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Every way a module can name `vscode`: import (incl. type-only and side effect), export from, require, import(). */
export function importsVscode(source: string): boolean {
  return /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"]vscode['"]/.test(source);
}

interface ModuleReference {
  specifier: string;
  typeOnly: boolean;
}

/** Static imports and re-exports with whether they are erased (type-only), plus dynamic imports and requires. */
export function moduleReferences(source: string): ModuleReference[] {
  const refs: ModuleReference[] = [];
  const statement = /\b(import|export)\s+(type\s+)?([^;'"]*?)\s*from\s*['"]([^'"]+)['"]/g;
  for (const m of source.matchAll(statement)) {
    const clause = m[3].trim();
    const named = /^\{([^}]*)\}$/.exec(clause);
    const allNamedTypes = named !== null && named[1].split(',').map((s) => s.trim()).filter(Boolean).every((s) => s.startsWith('type '));
    refs.push({ specifier: m[4], typeOnly: m[2] !== undefined || allNamedTypes });
  }
  for (const m of source.matchAll(/\bimport\s*['"]([^'"]+)['"]/g)) refs.push({ specifier: m[1], typeOnly: false });
  for (const m of source.matchAll(/\b(?:import|require)\s*\(\s*['"]([^'"]+)['"]\s*\)/g)) refs.push({ specifier: m[1], typeOnly: false });
  return refs;
}

function resolvesInto(file: string, specifier: string, folder: string): boolean {
  if (!specifier.startsWith('.') && !specifier.startsWith('/')) return false;
  const target = resolve(dirname(file), specifier);
  return target === folder || target.startsWith(folder + sep);
}

describe('layers', () => {
  describe('the checks themselves', () => {
    it('see every form of a vscode import', () => {
      assert.ok(importsVscode("import * as vscode from 'vscode';"));
      assert.ok(importsVscode('import type { Uri } from "vscode";'));
      assert.ok(importsVscode("import 'vscode';"));
      assert.ok(importsVscode("const v = require('vscode');"));
      assert.ok(importsVscode("const v = await import('vscode');"));
      assert.ok(importsVscode("export { Uri } from 'vscode';"));
      assert.ok(!importsVscode("import { x } from './vscode-free';"));
      assert.ok(!importsVscode('// runs without vscode'));
    });

    it('tell type-only references from value ones', () => {
      const refs = moduleReferences(
        [
          "import type { A } from '../../src/shared/model';",
          "import { type B, type C } from '../../src/shared/protocol';",
          "import { D } from '../../src/shared/errors';",
          "import { type E, F } from '../../src/shared/errors';",
          "export type { G } from '../../src/shared/model';",
          "import '../../src/shared/side-effect';",
          "const h = require('../../src/cloud/backend');",
        ].join('\n'),
      );
      assert.deepEqual(
        refs.map((r) => r.typeOnly),
        [true, true, false, false, true, false, false],
      );
    });
  });

  for (const layer of ['src/shared', 'src/cloud', 'src/emulator']) {
    it(`${layer} never imports vscode`, () => {
      const offenders = sourceFiles(join(root, layer))
        .filter((f) => importsVscode(readFileSync(f, 'utf8')))
        .map((f) => relative(root, f));
      assert.deepEqual(offenders, []);
    });
  }

  it('the extension modules that unit tests load in plain Node never import vscode', () => {
    const plain = [
      'commandIds.ts',
      'platform/logger.ts',
      'environments/registry.ts',
      'environments/localEnvironment.ts',
      'explorer/contextValues.ts',
      'explorer/pagedList.ts',
      'explorer/explorerModel.ts',
      'explorer/documentSummary.ts',
      'documents/documentAddress.ts',
      'explorer/functionSummary.ts',
      'functions/eventFiles.ts',
      'functions/invocationReport.ts',
      'functions/functionsWatcher.ts',
      'panels/collectionRequests.ts',
    ].map((f) => join(root, 'src/extension', f));
    for (const f of plain) assert.ok(existsSync(f), `${relative(root, f)} is gone: update this list`);
    assert.deepEqual(plain.filter((f) => importsVscode(readFileSync(f, 'utf8'))).map((f) => relative(root, f)), []);
  });

  it('webview/ takes only types from src/', () => {
    const src = join(root, 'src');
    const offenders = sourceFiles(join(root, 'webview')).flatMap((file) =>
      moduleReferences(readFileSync(file, 'utf8'))
        .filter((ref) => !ref.typeOnly && resolvesInto(file, ref.specifier, src))
        .map((ref) => `${relative(root, file)} → ${ref.specifier}`),
    );
    assert.deepEqual(offenders, []);
  });

  it('webview/ never imports vscode', () => {
    const offenders = sourceFiles(join(root, 'webview'))
      .filter((f) => importsVscode(readFileSync(f, 'utf8')))
      .map((f) => relative(root, f));
    assert.deepEqual(offenders, []);
  });
});

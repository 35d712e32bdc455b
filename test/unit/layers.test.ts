/**
 * The layers stay apart, by folder rather than by a list of files:
 * - every folder of src/ but src/extension (shared, project, cloud, emulator) never imports
 *   `vscode`: they run in the CLI, the local environment's process and plain Node;
 * - only src/cloud/local (and src/emulator itself) reach src/emulator: the local environment's
 *   machinery is one back end among others, and what the others need of it lives in src/project;
 * - src/shared takes nothing from the rest of src/, src/project only src/shared;
 * - a module of src/extension whose header comment says it is vscode-free ("No vscode import",
 *   "vscode-free") loads nothing that imports vscode, however indirectly, and those modules (and
 *   what they load) are the only ones of src/extension the unit tests load;
 * - browser code under webview/ takes only types, and only from src/shared, but for the panels'
 *   guards and constants in src/shared/protocol, which the page runs too (so they load nothing
 *   at runtime from outside src/shared/protocol).
 * Each rule is a function over a folder tree, so the checks are tried on a tree that breaks them.
 */
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { projectRoot } from '../support/projectRoot';

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

/** The header marker: the module's leading comment says it runs without vscode. */
export function isMarkedVscodeFree(source: string): boolean {
  const header = /^\s*(?:\/\*[\s\S]*?\*\/\s*|\/\/[^\n]*\n\s*)+/.exec(source)?.[0] ?? '';
  const text = header.replace(/\/\*+|\*+\/|^\s*\*|\/\//gm, ' ').replace(/\s+/g, ' ');
  return /\bno vscode import\b|\bvscode-free\b/i.test(text);
}

/** The file a relative specifier loads, or undefined for packages and for paths that name no file. */
function resolveModule(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = resolve(dirname(from), specifier).replace(/\.(js|ts)$/, '');
  return [`${base}.ts`, `${base}.tsx`, join(base, 'index.ts'), resolve(dirname(from), specifier)].find((f) => existsSync(f) && statSync(f).isFile());
}

const within = (file: string, folder: string): boolean => file === folder || file.startsWith(folder + sep);

/** A tree's sources with what each references (resolved to files inside the tree). */
class SourceTree {
  private readonly sources = new Map<string, string>();

  constructor(readonly root: string) {}

  files(folder: string): string[] {
    return sourceFiles(join(this.root, folder));
  }

  source(file: string): string {
    let text = this.sources.get(file);
    if (text === undefined) this.sources.set(file, (text = readFileSync(file, 'utf8')));
    return text;
  }

  references(file: string): { target: string; specifier: string; typeOnly: boolean }[] {
    return moduleReferences(this.source(file)).flatMap((ref) => {
      const target = resolveModule(file, ref.specifier);
      return target ? [{ ...ref, target }] : [];
    });
  }

  name(file: string): string {
    return relative(this.root, file).split(sep).join('/');
  }

  /** The chain of value imports from `file` to the first module that imports vscode, if any. */
  pathToVscode(file: string, seen = new Set<string>()): string[] | undefined {
    if (seen.has(file)) return undefined;
    seen.add(file);
    if (importsVscode(this.source(file))) return [file];
    for (const ref of this.references(file)) {
      if (ref.typeOnly) continue;
      const rest = this.pathToVscode(ref.target, seen);
      if (rest) return [file, ...rest];
    }
    return undefined;
  }

  /** `file` and every module it loads (value imports), transitively. */
  loads(file: string, into = new Set<string>()): Set<string> {
    if (into.has(file)) return into;
    into.add(file);
    for (const ref of this.references(file)) if (!ref.typeOnly) this.loads(ref.target, into);
    return into;
  }
}

/** Folders of src/ that run outside VS Code: all of them but src/extension. */
export function vscodeOutsideExtension(tree: SourceTree): string[] {
  const folders = readdirSync(join(tree.root, 'src')).filter((name) => name !== 'extension' && statSync(join(tree.root, 'src', name)).isDirectory());
  return folders.flatMap((folder) => tree.files(`src/${folder}`).filter((f) => importsVscode(tree.source(f))).map((f) => tree.name(f)));
}

export function emulatorReachedFromOutside(tree: SourceTree): string[] {
  const emulator = join(tree.root, 'src/emulator');
  const allowed = [emulator, join(tree.root, 'src/cloud/local')];
  return tree
    .files('src')
    .filter((f) => !allowed.some((folder) => within(f, folder)))
    .flatMap((f) => tree.references(f).filter((ref) => within(ref.target, emulator)).map((ref) => `${tree.name(f)} → ${ref.specifier}`));
}

/** src/shared stands alone; src/project builds on src/shared only. */
export function domainReachingUp(tree: SourceTree): string[] {
  const src = join(tree.root, 'src');
  const rules: [string, string[]][] = [
    ['src/shared', ['src/shared']],
    ['src/project', ['src/shared', 'src/project']],
  ];
  return rules.flatMap(([layer, may]) =>
    tree.files(layer).flatMap((f) =>
      tree
        .references(f)
        .filter((ref) => within(ref.target, src) && !may.some((folder) => within(ref.target, join(tree.root, folder))))
        .map((ref) => `${tree.name(f)} → ${ref.specifier}`),
    ),
  );
}

export function markedModules(tree: SourceTree): string[] {
  return tree.files('src/extension').filter((f) => isMarkedVscodeFree(tree.source(f)));
}

export function markedModulesReachingVscode(tree: SourceTree): string[] {
  return markedModules(tree).flatMap((f) => {
    const chain = tree.pathToVscode(f);
    return chain ? [`${chain.map((c) => tree.name(c)).join(' → ')} → vscode`] : [];
  });
}

/** Modules of src/extension that unit tests load but that are neither marked nor loaded by a marked one. */
export function unitTestsLoadingUnmarked(tree: SourceTree): string[] {
  const plain = new Set<string>();
  for (const f of markedModules(tree)) tree.loads(f, plain);
  const extension = join(tree.root, 'src/extension');
  return tree.files('test/unit').flatMap((test) =>
    tree
      .references(test)
      .filter((ref) => !ref.typeOnly && within(ref.target, extension) && !plain.has(ref.target))
      .map((ref) => `${tree.name(test)} → ${tree.name(ref.target)}`),
  );
}

export function webviewOffences(tree: SourceTree): string[] {
  const src = join(tree.root, 'src');
  const shared = join(tree.root, 'src/shared');
  const protocol = join(tree.root, 'src/shared/protocol');
  return [
    ...tree.files('webview').flatMap((f) => [
      ...(importsVscode(tree.source(f)) ? [`${tree.name(f)} → vscode`] : []),
      ...tree
        .references(f)
        .filter((ref) => within(ref.target, src) && !(ref.typeOnly ? within(ref.target, shared) : within(ref.target, protocol)))
        .map((ref) => `${tree.name(f)} → ${ref.specifier}`),
    ]),
    ...tree.files('src/shared/protocol').flatMap((f) =>
      tree
        .references(f)
        .filter((ref) => !ref.typeOnly && !within(ref.target, protocol))
        .map((ref) => `${tree.name(f)} → ${ref.specifier}`),
    ),
  ];
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

    it('read the marker in the header comment only, however the line wraps', () => {
      assert.ok(isMarkedVscodeFree('/**\n * Paging rules. No vscode import.\n */\nexport {};'));
      assert.ok(isMarkedVscodeFree('/**\n * Paging rules, unit-tested. No vscode\n * import (plain-Node tests).\n */\n'));
      assert.ok(isMarkedVscodeFree('/** Deploy state, vscode-free: it takes any memento. */\n'));
      assert.ok(!isMarkedVscodeFree("/** The tree provider. */\nimport * as vscode from 'vscode';\n// No vscode import in the model\n"));
      assert.ok(!isMarkedVscodeFree("import { x } from './y';\n/** No vscode import. */\n"));
    });

    it('find every break of the rules in a tree that breaks them', () => {
      const root = mkdtempSync(join(tmpdir(), 'cbs-layers-'));
      const write = (path: string, text: string): void => {
        mkdirSync(dirname(join(root, path)), { recursive: true });
        writeFileSync(join(root, path), text);
      };
      try {
        write('src/shared/model.ts', "import { x } from '../project/rules';\nexport type Model = string;\n");
        write('src/project/rules.ts', "import { engine } from '../emulator/engine';\nexport const x = engine;\n");
        write('src/emulator/engine.ts', "import type { Uri } from 'vscode';\nexport const engine = 1;\n");
        write('src/cloud/local/attach.ts', "import { engine } from '../../emulator/engine';\nexport const attached = engine;\n");
        write('src/cloud/tencent/api.ts', "import { engine } from '../../emulator/engine';\nexport const api = engine;\n");
        write('src/newlayer/thing.ts', "import * as vscode from 'vscode';\nexport const thing = vscode;\n");
        write('src/extension/tree.ts', "import * as vscode from 'vscode';\nexport const tree = vscode;\n");
        write('src/extension/labels.ts', "/** Tree labels. */\nimport { tree } from './tree';\nexport const labels = tree;\n");
        write('src/extension/model.ts', "/** The model. No vscode import. */\nimport { labels } from './labels';\nimport type { Model } from '../shared/model';\nexport const model = labels;\n");
        write('src/extension/paging.ts', "/** Paging, vscode-free. */\nimport type { tree } from './tree';\nexport const paging = 1;\n");
        write('src/extension/panel.ts', "import * as vscode from 'vscode';\nexport const panel = vscode;\n");
        write('test/unit/model.test.ts', "import { model } from '../../src/extension/model';\nimport { panel } from '../../src/extension/panel';\n");
        write('webview/page.ts', "import type { Model } from '../src/shared/model';\nimport { x } from '../src/shared/model';\nimport type { paging } from '../src/extension/paging';\nimport { isMessage } from '../src/shared/protocol/guards';\n");
        write('src/shared/protocol/guards.ts', "import type { Model } from '../model';\nimport { x } from '../model';\nexport const isMessage = x;\n");
        const tree = new SourceTree(root);
        assert.deepEqual(vscodeOutsideExtension(tree).sort(), ['src/emulator/engine.ts', 'src/newlayer/thing.ts']);
        assert.deepEqual(emulatorReachedFromOutside(tree).sort(), ['src/cloud/tencent/api.ts → ../../emulator/engine', 'src/project/rules.ts → ../emulator/engine']);
        assert.deepEqual(domainReachingUp(tree).sort(), ['src/project/rules.ts → ../emulator/engine', 'src/shared/model.ts → ../project/rules']);
        assert.deepEqual(markedModulesReachingVscode(tree), ['src/extension/model.ts → src/extension/labels.ts → src/extension/tree.ts → vscode']);
        assert.deepEqual(unitTestsLoadingUnmarked(tree), ['test/unit/model.test.ts → src/extension/panel.ts']);
        assert.deepEqual(webviewOffences(tree), ['webview/page.ts → ../src/shared/model', 'webview/page.ts → ../src/extension/paging', 'src/shared/protocol/guards.ts → ../model']);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    });
  });

  const tree = new SourceTree(projectRoot);

  it('no folder of src/ but src/extension imports vscode (src/shared, src/project, src/cloud, src/emulator)', () => {
    for (const layer of ['shared', 'project', 'cloud', 'emulator']) assert.ok(tree.files(`src/${layer}`).length > 0, `src/${layer} has no sources`);
    assert.deepEqual(vscodeOutsideExtension(tree), []);
  });

  it('only src/cloud/local and src/emulator itself import src/emulator', () => {
    assert.deepEqual(emulatorReachedFromOutside(tree), []);
  });

  it('src/shared imports nothing else of src/, src/project only src/shared', () => {
    assert.deepEqual(domainReachingUp(tree), []);
  });

  it('the extension modules marked vscode-free load nothing that imports vscode, however indirectly', () => {
    assert.ok(markedModules(tree).length >= 20, `only ${markedModules(tree).length} modules of src/extension are marked vscode-free`);
    assert.deepEqual(markedModulesReachingVscode(tree), []);
  });

  it('unit tests load only the extension modules marked vscode-free and what those load', () => {
    assert.deepEqual(unitTestsLoadingUnmarked(tree), []);
  });

  it('webview/ takes only types, and only from src/shared (values only from src/shared/protocol), and never vscode', () => {
    assert.deepEqual(webviewOffences(tree), []);
  });
});

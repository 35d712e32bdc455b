/**
 * package.json, its translations and the code agree: context values meet menus, commands are
 * declared, titled and translated, every %key% resolves in English and Chinese, every string the
 * code localizes has a Chinese translation, and settings match the code's bounds.
 */
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CommandId, EXPLORER_VIEW_ID, VIEW_CONTAINER_ID } from '../../src/extension/commandIds';
import { CONTEXT_SEPARATOR, ContextValue } from '../../src/extension/explorer/contextValues';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, MIN_PAGE_SIZE } from '../../src/extension/explorer/explorerModel';
import { DEFAULT_DATA_DIRECTORY } from '../../src/project/project';
import { projectRoot } from '../support/projectRoot';

const root = projectRoot;
const readJson = <T>(path: string): T => JSON.parse(readFileSync(join(root, path), 'utf8')) as T;

interface MenuItem {
  command: string;
  when?: string;
  group?: string;
}
interface Manifest {
  main: string;
  l10n?: string;
  activationEvents: string[];
  contributes: {
    viewsContainers: { activitybar: { id: string; title: string; icon: string }[] };
    views: Record<string, { id: string; name: string }[]>;
    viewsWelcome: { view: string; contents: string; when?: string }[];
    commands: { command: string; title: string; category?: string; icon?: string }[];
    menus: Record<string, MenuItem[]>;
    keybindings: { command: string; key: string; when?: string; args?: unknown }[];
    configuration: { title: string; properties: Record<string, { type: string; default: unknown; minimum?: number; maximum?: number; scope?: string; description?: string; markdownDescription?: string }> };
  };
}

const manifest = readJson<Manifest>('package.json');
const nls = readJson<Record<string, string>>('package.nls.json');
const nlsZh = readJson<Record<string, string>>('package.nls.zh-cn.json');
const tokens: string[] = Object.values(ContextValue);
const commandIds: string[] = Object.values(CommandId);
const { contributes } = manifest;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}
const extensionSources = sourceFiles(join(root, 'src/extension')).map((path) => ({ path: relative(root, path), text: readFileSync(path, 'utf8') }));

/** The `/regex/` of every `viewItem =~ /regex/` in a when clause. */
function viewItemPatterns(when: string | undefined): RegExp[] {
  return [...(when ?? '').matchAll(/viewItem\s*=~\s*\/((?:\\\/|[^/])+)\/([a-z]*)/g)].map((m) => new RegExp(m[1], m[2]));
}
const itemMenus = contributes.menus['view/item/context'] ?? [];
const allPatterns = itemMenus.flatMap((m) => viewItemPatterns(m.when));

/** `%key%` placeholders anywhere in the manifest. */
function nlsKeys(value: unknown): string[] {
  if (typeof value === 'string') return [...value.matchAll(/^%([^%]+)%$/g)].map((m) => m[1]);
  if (Array.isArray(value)) return value.flatMap(nlsKeys);
  if (value && typeof value === 'object') return Object.values(value).flatMap(nlsKeys);
  return [];
}

/** First arguments of `l10n.t(…)`: only plain single-quoted literals, so they can be checked. */
function localizedStrings(): { strings: Set<string>; nonLiteral: string[] } {
  const strings = new Set<string>();
  const nonLiteral: string[] = [];
  for (const { path, text } of extensionSources) {
    for (const m of text.matchAll(/\bl10n\.t\(\s*/g)) {
      const rest = text.slice((m.index ?? 0) + m[0].length);
      const literal = /^'((?:[^'\\\n])*)'\s*[,)]/.exec(rest);
      if (literal) strings.add(literal[1]);
      else nonLiteral.push(`${path}: l10n.t(${rest.slice(0, 40)}`);
    }
  }
  return { strings, nonLiteral };
}

const placeholders = (s: string): string[] => [...s.matchAll(/\{\d+\}/g)].map((m) => m[0]).sort();

describe('manifest', () => {
  describe('context values and menus', () => {
    it('every token the tree uses is matched by a view/item/context when clause', () => {
      const unmatched = tokens.filter((token) => !allPatterns.some((p) => p.test(token)));
      assert.deepEqual(unmatched, []);
    });

    it('every viewItem pattern in the menus matches a token (no dead clauses)', () => {
      const dead = allPatterns.filter((p) => !tokens.some((t) => p.test(t))).map(String);
      assert.deepEqual(dead, []);
    });

    it('patterns match whole tokens: no token matches another token\'s pattern', () => {
      for (const token of tokens) {
        const own = new RegExp(`\\b${token.replace(/\./g, '\\.')}\\b`);
        for (const other of tokens) if (other !== token) assert.ok(!own.test(other), `${token} also matches ${other}`);
        assert.ok(own.test(['cloudbase.x', token, 'cloudbase.y'].join(CONTEXT_SEPARATOR)), `${token} is not found among several tokens`);
      }
    });

    it('context menus are scoped to the explorer and use \\b-delimited patterns', () => {
      for (const item of itemMenus) {
        assert.match(item.when ?? '', /\bview == cloudbase\.explorer\b/, `${item.command}: ${item.when}`);
        for (const p of viewItemPatterns(item.when)) assert.match(p.source, /^\\b.*\\b$/, `${item.command}: ${p.source}`);
      }
    });

    it('the code sets context values only through the contextValues module', () => {
      const literal = extensionSources.filter(({ path, text }) => !path.endsWith('contextValues.ts') && /contextValue\s*=\s*['"`]/.test(text)).map((s) => s.path);
      assert.deepEqual(literal, []);
      const tokenLiterals = extensionSources.filter(({ path, text }) => !path.endsWith('contextValues.ts') && tokens.some((t) => text.includes(`'${t}'`))).map((s) => s.path);
      assert.deepEqual(tokenLiterals, []);
    });
  });

  describe('commands', () => {
    it('package.json declares exactly the commands the code registers', () => {
      assert.deepEqual(contributes.commands.map((c) => c.command).sort(), [...commandIds].sort());
    });

    it('every command has a localized title and the CloudBase category', () => {
      for (const c of contributes.commands) {
        const key = /^%(.+)%$/.exec(c.title)?.[1];
        assert.ok(key && nls[key], `${c.command} has no title in package.nls.json`);
        assert.ok(nlsZh[key], `${c.command} has no title in package.nls.zh-cn.json`);
        assert.equal(c.category, '%command.category%');
      }
      assert.equal(nls['command.category'], 'CloudBase');
    });

    it('every command in menus, key bindings and welcome links is declared', () => {
      const declared = new Set(contributes.commands.map((c) => c.command));
      const referenced = [
        ...Object.values(contributes.menus).flat().map((m) => m.command),
        ...contributes.keybindings.map((k) => k.command),
        ...contributes.viewsWelcome.flatMap((w) => [...(nls[nlsKeys(w.contents)[0]] ?? w.contents).matchAll(/\(command:([\w.]+)\)/g)].map((m) => m[1])),
      ];
      assert.ok(referenced.length > 0);
      assert.deepEqual(referenced.filter((c) => !declared.has(c)), []);
    });

    it('node-only commands are hidden from the Command Palette', () => {
      const palette = contributes.menus.commandPalette ?? [];
      for (const id of [CommandId.loadMore, CommandId.retry, CommandId.resumeCopy, CommandId.openComparedDocument]) {
        assert.ok(palette.some((m) => m.command === id && m.when === 'false'), `${id} shows in the palette`);
      }
    });

    it('inline menu commands have an icon', () => {
      const icons = new Map(contributes.commands.map((c) => [c.command, c.icon]));
      for (const m of itemMenus.filter((i) => i.group?.startsWith('inline'))) assert.ok(icons.get(m.command), `${m.command} is inline without an icon`);
    });

    it('the Delete key deletes what is selected in the explorer', () => {
      for (const id of [CommandId.deleteDocument, CommandId.deleteCollection]) {
        const binding = contributes.keybindings.find((k) => k.command === id);
        assert.ok(binding, `${id} has no key binding`);
        assert.equal(binding.key, 'delete');
        assert.match(binding.when ?? '', /focusedView == cloudbase\.explorer/);
        assert.match(binding.when ?? '', /listFocus/);
        assert.deepEqual(binding.args, { fromSelection: true });
      }
    });
  });

  describe('localization', () => {
    it('every %key% in package.json exists in English and Chinese', () => {
      const keys = nlsKeys(manifest);
      assert.ok(keys.length > 20);
      assert.deepEqual(keys.filter((k) => !(k in nls)), []);
      assert.deepEqual(keys.filter((k) => !(k in nlsZh)), []);
    });

    it('both package.nls files have the same keys, all used', () => {
      assert.deepEqual(Object.keys(nlsZh).sort(), Object.keys(nls).sort());
      const used = new Set(nlsKeys(manifest));
      assert.deepEqual(Object.keys(nls).filter((k) => !used.has(k)), []);
    });

    it('the l10n folder holds the Chinese bundle', () => {
      assert.equal(manifest.l10n, './l10n');
      assert.ok(existsSync(join(root, 'l10n/bundle.l10n.zh-cn.json')));
    });

    it('every string the code localizes has a Chinese translation with the same placeholders', () => {
      const { strings, nonLiteral } = localizedStrings();
      assert.deepEqual(nonLiteral, [], 'l10n.t takes a plain literal so it can be checked');
      assert.ok(strings.size > 20);
      const zh = readJson<Record<string, string>>('l10n/bundle.l10n.zh-cn.json');
      assert.deepEqual([...strings].filter((s) => !(s in zh)), []);
      assert.deepEqual(Object.keys(zh).filter((s) => !strings.has(s)), [], 'translations nobody uses');
      for (const [en, translated] of Object.entries(zh)) assert.deepEqual(placeholders(translated), placeholders(en), en);
    });
  });

  describe('views, activation and settings', () => {
    it('contributes the CloudBase container with the Environments tree', () => {
      const [container] = contributes.viewsContainers.activitybar;
      assert.equal(container.id, VIEW_CONTAINER_ID);
      assert.equal(nls[nlsKeys(container.title)[0]], 'CloudBase');
      assert.ok(existsSync(join(root, container.icon)), container.icon);
      const [view] = contributes.views[VIEW_CONTAINER_ID];
      assert.equal(view.id, EXPLORER_VIEW_ID);
      assert.equal(nls[nlsKeys(view.name)[0]], 'Environments');
    });

    it('shows the welcome view when no environment is known, with both buttons', () => {
      const welcome = contributes.viewsWelcome.find((w) => w.view === EXPLORER_VIEW_ID);
      assert.ok(welcome);
      assert.equal(welcome.when, 'cloudbase.state == noEnvironments');
      for (const text of [nls[nlsKeys(welcome.contents)[0]], nlsZh[nlsKeys(welcome.contents)[0]]]) {
        assert.match(text, /\(command:cloudbase\.startLocalEnvironment\)/);
        assert.match(text, /\(command:cloudbase\.signIn\)/);
      }
    });

    it('activates only on its view, on project files and to restore its panels', () => {
      assert.deepEqual(manifest.activationEvents, ['onView:cloudbase.explorer', 'workspaceContains:project.config.json', 'workspaceContains:cloudbaserc.json', 'onWebviewPanel:cloudbase.logs', 'onWebviewPanel:cloudbase.collection']);
      assert.equal(manifest.main, './dist/extension.js');
    });

    it('declares the settings the code reads, with the code\'s bounds and defaults', () => {
      const p = contributes.configuration.properties;
      assert.deepEqual(
        [p['cloudbase.explorer.pageSize'].default, p['cloudbase.explorer.pageSize'].minimum, p['cloudbase.explorer.pageSize'].maximum],
        [DEFAULT_PAGE_SIZE, MIN_PAGE_SIZE, MAX_PAGE_SIZE],
      );
      assert.equal(p['cloudbase.local.dataDirectory'].default, DEFAULT_DATA_DIRECTORY);
      assert.equal(p['cloudbase.local.dataDirectory'].scope, 'resource');
      assert.equal(p['cloudbase.local.autoStart'].default, true);
      for (const [name, setting] of Object.entries(p)) {
        assert.ok(nlsKeys(setting.markdownDescription ?? setting.description).length === 1, `${name} has no localized description`);
      }
      const read = extensionSources.map((s) => s.text).join('\n');
      for (const name of Object.keys(p)) assert.ok(read.includes(`'${name.replace(/^cloudbase\./, '')}'`), `${name} is never read`);
    });
  });
});

/**
 * Tells the tree when functions are added, removed or edited on disk. fs.watch events are only a
 * hint (platforms differ in what they report): each burst triggers a rescan, debounced, and the
 * rescan's snapshot, compared with the previous one, says what changed.
 */
import { watch, type FSWatcher } from 'node:fs';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { ProjectInfo } from '../../project/project';
import { functionFolderNames } from '../../project/functions/definitions';
import { folderFingerprint, sourceFolders } from './fingerprint';

export interface FunctionsChange {
  added: string[];
  removed: string[];
  /** Code or settings edited. */
  changed: string[];
}

export interface WatchOptions {
  debounceMs?: number;
}

async function readText(file: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch {
    return '';
  }
}

/** Function name → a fingerprint of its files plus the project files its settings come from. */
async function snapshot(project: ProjectInfo): Promise<Map<string, string>> {
  // cloudbaserc.json applies to every function; a change to it is reported for all of them.
  const rc = await readText(join(project.root, 'cloudbaserc.json'));
  const names = await functionFolderNames(project.functionRoot);
  const prints = await Promise.all(names.map((n) => folderFingerprint(join(project.functionRoot, n))));
  return new Map(names.map((n, i) => [n, `${prints[i]}\n${rc}`]));
}

export interface FunctionsWatch {
  /** Resolves once the first snapshot is taken: changes from then on are reported. */
  readonly ready: Promise<void>;
  dispose(): void;
}

export function watchFunctions(project: ProjectInfo, listener: (change: FunctionsChange) => void, options: WatchOptions = {}): FunctionsWatch {
  const debounceMs = options.debounceMs ?? 200;
  const watchers = new Map<string, FSWatcher>();
  let previous: Map<string, string> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let scanning: Promise<void> = Promise.resolve();
  let disposed = false;

  const schedule = () => {
    if (disposed) return;
    clearTimeout(timer);
    timer = setTimeout(() => (scanning = scanning.then(rescan).catch(() => undefined)), debounceMs);
  };

  const follow = (dir: string) => {
    if (watchers.has(dir)) return;
    try {
      const w = watch(dir, { persistent: false }, schedule);
      // A watched folder that disappears errors on some platforms; the rescan notices the removal.
      w.on('error', () => {
        w.close();
        watchers.delete(dir);
        schedule();
      });
      watchers.set(dir, w);
    } catch {
      // Not there (yet): the project folder's watcher reports its creation.
    }
  };

  async function rescan(): Promise<void> {
    if (disposed) return;
    const next = await snapshot(project);
    const wanted = new Set([project.root, project.functionRoot]);
    for (const name of next.keys()) for (const dir of await sourceFolders(join(project.functionRoot, name))) wanted.add(dir);
    for (const [dir, w] of watchers) {
      if (!wanted.has(dir)) {
        w.close();
        watchers.delete(dir);
      }
    }
    for (const dir of wanted) follow(dir);
    if (disposed) return;
    if (previous) {
      const change: FunctionsChange = { added: [], removed: [], changed: [] };
      for (const [name, print] of next) {
        if (!previous.has(name)) change.added.push(name);
        else if (previous.get(name) !== print) change.changed.push(name);
      }
      for (const name of previous.keys()) if (!next.has(name)) change.removed.push(name);
      if (change.added.length + change.removed.length + change.changed.length > 0) {
        try {
          listener(change);
        } catch {
          // The listener's failure is its own; watching goes on.
        }
      }
    }
    previous = next;
  }

  scanning = rescan().catch(() => undefined);
  return {
    ready: scanning,
    dispose() {
      disposed = true;
      clearTimeout(timer);
      for (const w of watchers.values()) w.close();
      watchers.clear();
    },
  };
}

/**
 * A function's saved test events copied to the same function in another environment: each
 * environment keeps them in its own function root (a project's function folders, or the
 * extension's folder for a cloud environment), so this is a copy between two folders. Events the
 * target has are skipped unless `overwrite`. No vscode import.
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { eventFile, eventsFolder, listEvents } from '../functions/eventFiles';

export interface EventCopyReport {
  copied: string[];
  skipped: string[];
}

export async function copySavedEvents(sourceRoot: string, targetRoot: string, functionName: string, overwrite: boolean): Promise<EventCopyReport> {
  const report: EventCopyReport = { copied: [], skipped: [] };
  const targetFunction = join(targetRoot, functionName);
  for (const event of await listEvents(join(sourceRoot, functionName))) {
    const target = eventFile(targetFunction, event.name);
    const exists = await fs.stat(target).then(() => true, () => false);
    if (exists && !overwrite) {
      report.skipped.push(event.name);
      continue;
    }
    await fs.mkdir(eventsFolder(targetFunction), { recursive: true });
    await fs.copyFile(event.file, target);
    report.copied.push(event.name);
  }
  return report;
}

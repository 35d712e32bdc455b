/**
 * Snapshots as the extension uses them: listing, restoring (while the environment's process is
 * stopped), deleting, exporting and importing are file work the extension does itself; saving is
 * asked of the running process (attach.ts), which holds the database.
 */
export {
  checkSnapshotName,
  deleteSnapshot,
  exportSnapshot,
  importSnapshot,
  listSnapshots,
  restoreSnapshot,
  snapshotsFolder,
  type RestoreStep,
  type SnapshotManifest,
} from '../../emulator/snapshots/index';

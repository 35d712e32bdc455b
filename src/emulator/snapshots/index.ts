export * from './snapshots';
export { exportSnapshot, importSnapshot } from './archive';

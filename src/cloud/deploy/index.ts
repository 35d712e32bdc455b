/** Deploying cloud functions from a folder: packaging rules, settings, and the deploy itself (vscode-free). */
export { IGNORE_FILE, loadIgnoreRules, type IgnoreOptions } from './ignore-rules';
export {
  CLIENT_TIMEOUT_SECONDS,
  INLINE_ZIP_BYTES,
  LARGE_PACKAGE_BYTES,
  listPackageFiles,
  packFunction,
  sha256Hex,
  type DeployWarning,
  type PackedFile,
  type PackedFunction,
  type PackOptions,
} from './packager';
export { readFunctionSource, type DeploySettings, type DeployTrigger, type FunctionSource } from './settings';
export { extractZip, readZip, type ZipEntryData } from './unzip';
export { deployFunction, type DeployOptions, type DeployReport } from './deploy';
export { comparePackage, type PackageDifference } from './compare';

/**
 * Environment keys: the one string that names an environment everywhere (the registry, tree ids,
 * panel state, document addresses, remembered deploy targets). Built and read only here.
 *
 * - `local:<project root>`: a project's local environment (one per project folder).
 * - `tencent:<account id>:<envId>`: a Tencent CloudBase environment as a signed-in account lists
 *   it. Account-scoped, because two accounts may reach one environment, each with its own keys.
 * - `tencent:<envId>`: a Tencent environment opened without an account (the Tencent back end on
 *   its own: its listing, tests, benchmarks). CloudBase environment ids are unique across
 *   accounts and regions, so the id alone names it there.
 *
 * An envId never holds a colon, so the last one separates it from the account id.
 */
import type { EnvironmentKind } from './model';

export type ParsedEnvironmentKey =
  | { kind: 'local'; projectRoot: string }
  | { kind: 'tencent'; envId: string; accountId?: string };

const LOCAL = 'local:';
const TENCENT = 'tencent:';

export function localEnvironmentKey(projectRoot: string): string {
  return LOCAL + projectRoot;
}

export function tencentEnvironmentKey(accountId: string | undefined, envId: string): string {
  return accountId === undefined ? TENCENT + envId : `${TENCENT}${accountId}:${envId}`;
}

export function parseEnvironmentKey(key: string): ParsedEnvironmentKey | undefined {
  if (key.startsWith(LOCAL)) {
    const projectRoot = key.slice(LOCAL.length);
    return projectRoot === '' ? undefined : { kind: 'local', projectRoot };
  }
  if (key.startsWith(TENCENT)) {
    const rest = key.slice(TENCENT.length);
    const last = rest.lastIndexOf(':');
    const envId = rest.slice(last + 1);
    if (envId === '') return undefined;
    return last < 0 ? { kind: 'tencent', envId } : { kind: 'tencent', envId, accountId: rest.slice(0, last) };
  }
  return undefined;
}

/** The kind a key names, read from the key alone (before, or without, a registry entry). */
export function environmentKindOf(key: string): EnvironmentKind | undefined {
  return parseEnvironmentKey(key)?.kind;
}

export function isLocalEnvironmentKey(key: string): boolean {
  return environmentKindOf(key) === 'local';
}

/** The signed-in account a key belongs to (Tencent keys listed by an account). */
export function accountOfKey(key: string): string | undefined {
  const parsed = parseEnvironmentKey(key);
  return parsed?.kind === 'tencent' ? parsed.accountId : undefined;
}

/**
 * The HTTP access routes of a project: which path calls which function. Read from the files the
 * CloudBase tools deploy them from, the CloudBase Framework function plugin's `servicePaths` in
 * cloudbaserc.json (`framework.plugins.<any>.inputs.servicePaths: { "<function>": "/<path>" }`),
 * plus a local table `.cloudbase/http-access.json` of the same shape (`{ "servicePaths": {…} }`)
 * for routes a project sets up in the console instead.
 *
 * Every problem (a path that is not `/…`, two functions on one path, a path the local environment
 * itself serves) is reported on the route and leaves the others working.
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';

export const LOCAL_ROUTES_FILE = join('.cloudbase', 'http-access.json');

/** Paths the local environment answers itself; a route on them would never be reached. */
const RESERVED_PREFIXES = ['/admin', '/storage'];

export interface HttpAccessRoute {
  /** Normalized: starts with `/`, no trailing `/` except the root. */
  path: string;
  functionName: string;
  /** Where it was written: `cloudbaserc.json` or `.cloudbase/http-access.json`. */
  source: string;
  /** Why the route is not served. */
  error?: string;
}

export function normalizeRoutePath(path: string): string | undefined {
  if (typeof path !== 'string' || !path.startsWith('/') || /[\s?#]/.test(path)) return undefined;
  const trimmed = path.replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed.replace(/\/{2,}/g, '/');
}

async function readJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

function servicePathsOfRc(rc: unknown): Record<string, unknown>[] {
  if (!isObject(rc) || !isObject(rc.framework) || !isObject(rc.framework.plugins)) return [];
  return Object.values(rc.framework.plugins).flatMap((plugin) =>
    isObject(plugin) && isObject(plugin.inputs) && isObject(plugin.inputs.servicePaths) ? [plugin.inputs.servicePaths] : [],
  );
}

function routesOf(table: Record<string, unknown>, source: string): HttpAccessRoute[] {
  return Object.entries(table).map(([functionName, raw]) => {
    const path = typeof raw === 'string' ? normalizeRoutePath(raw) : undefined;
    if (path === undefined) return { path: String(raw), functionName, source, error: `The path ${JSON.stringify(raw)} of ${functionName} must start with "/" and hold no spaces, "?" or "#".` };
    const reserved = RESERVED_PREFIXES.find((p) => path === p || path.startsWith(`${p}/`));
    if (reserved) return { path, functionName, source, error: `The path ${path} of ${functionName} is under ${reserved}, which the local environment serves itself.` };
    return { path, functionName, source };
  });
}

/** Marks every route whose path another function also claims; a repeat of the same function is dropped. */
function markCollisions(routes: HttpAccessRoute[]): HttpAccessRoute[] {
  const byPath = new Map<string, HttpAccessRoute[]>();
  const out: HttpAccessRoute[] = [];
  for (const r of routes) {
    if (r.error) {
      out.push(r);
      continue;
    }
    const same = byPath.get(r.path) ?? [];
    if (same.some((o) => o.functionName === r.functionName)) continue;
    same.push(r);
    byPath.set(r.path, same);
    out.push(r);
  }
  for (const [path, same] of byPath) {
    if (same.length < 2) continue;
    const names = same.map((r) => r.functionName).join(', ');
    for (const r of same) r.error = `The path ${path} is claimed by several functions (${names}); none of them is served there until one path changes.`;
  }
  return out.sort((a, b) => a.path.localeCompare(b.path) || a.functionName.localeCompare(b.functionName));
}

export async function readHttpAccessRoutes(projectRoot: string): Promise<HttpAccessRoute[]> {
  const [rc, local] = await Promise.all([readJson(join(projectRoot, 'cloudbaserc.json')), readJson(join(projectRoot, LOCAL_ROUTES_FILE))]);
  const routes = servicePathsOfRc(rc).flatMap((t) => routesOf(t, 'cloudbaserc.json'));
  if (isObject(local) && isObject(local.servicePaths)) routes.push(...routesOf(local.servicePaths, LOCAL_ROUTES_FILE));
  return markCollisions(routes);
}

/** The route serving a request path: the longest route path that is the path or a folder above it. */
export function matchRoute(routes: readonly HttpAccessRoute[], pathname: string): HttpAccessRoute | undefined {
  let best: HttpAccessRoute | undefined;
  for (const r of routes) {
    const hit = r.path === '/' || pathname === r.path || pathname.startsWith(`${r.path}/`);
    if (hit && (!best || r.path.length > best.path.length)) best = r;
  }
  return best;
}

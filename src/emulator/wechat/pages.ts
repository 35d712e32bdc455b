/**
 * The mini program's pages, from app.json under project.config.json's miniprogramRoot. WeChat
 * checks codes and links against the published version's pages; locally app.json stands for it.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

async function readJson(file: string): Promise<Record<string, unknown> | undefined> {
  try {
    const value: unknown = JSON.parse(await readFile(file, 'utf8'));
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

/**
 * The mini program's pages from its app.json (main package first, then subpackages), or
 * undefined for a project without one (a CloudBase-only folder), where pages are not checked.
 */
export async function miniProgramPages(projectRoot: string): Promise<string[] | undefined> {
  const config = await readJson(join(projectRoot, 'project.config.json'));
  const root = typeof config?.miniprogramRoot === 'string' ? config.miniprogramRoot : '';
  const app = await readJson(join(projectRoot, root, 'app.json'));
  if (!app) return undefined;
  const pages = strings(app.pages);
  const subpackages = Array.isArray(app.subpackages) ? app.subpackages : Array.isArray(app.subPackages) ? app.subPackages : [];
  for (const sub of subpackages as Record<string, unknown>[]) {
    const prefix = typeof sub?.root === 'string' ? sub.root.replace(/\/+$/, '') : '';
    pages.push(...strings(sub?.pages).map((p) => (prefix ? `${prefix}/${p}` : p)));
  }
  return pages;
}

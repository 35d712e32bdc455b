/**
 * Starting points for "New Cloud Function…": each is a folder that runs unchanged locally and in
 * the cloud (wx-server-sdk, dependencies declared so the cloud installs them on deploy).
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { StudioError } from '../../shared/errors';

export type FunctionTemplate = 'blank' | 'database' | 'router' | 'typescript';

export const FUNCTION_TEMPLATES: readonly { id: FunctionTemplate; label: string; description: string }[] = [
  { id: 'blank', label: 'Blank', description: 'Returns the event and the caller from getWXContext()' },
  { id: 'database', label: 'Database CRUD', description: 'Adds, reads, lists, updates and removes documents of one collection' },
  { id: 'router', label: 'Router', description: 'Dispatches event.action to one module per action under handlers/' },
  { id: 'typescript', label: 'TypeScript', description: 'index.ts with typed events; runs compiled on the fly locally, deploys as JavaScript' },
];

/** CloudBase's rule: letters, digits, `-` and `_`, starting with a letter, at most 60 characters. */
const FUNCTION_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,59}$/;

export function validateFunctionName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || !FUNCTION_NAME.test(name)) {
    throw new StudioError(
      'InvalidFunctionName',
      `"${String(name)}" is not a valid function name: use letters, digits, - and _, start with a letter, at most 60 characters.`,
    );
  }
}

const SDK_VERSION = '~4.0.2';

function packageJson(name: string, description: string): string {
  const pkg = { name, version: '1.0.0', description, main: 'index.js', dependencies: { 'wx-server-sdk': SDK_VERSION } };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

/** WeChat DevTools' per-function config: open API permissions and triggers. */
const CONFIG_JSON = `${JSON.stringify({ permissions: { openapi: [] } }, null, 2)}\n`;

const BLANK = `const cloud = require('wx-server-sdk');

// DYNAMIC_CURRENT_ENV: the environment the function runs in, locally or in the cloud.
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });

exports.main = async (event, context) => {
  const { OPENID, APPID, UNIONID } = cloud.getWXContext();
  return { event, openid: OPENID, appid: APPID, unionid: UNIONID };
};
`;

/** The function's own collection: its name, so a new function never writes into another one's data. */
function databaseSource(name: string): string {
  return `const cloud = require('wx-server-sdk');

cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });
const db = cloud.database();

// This function's own collection; event.collection picks another one.
const COLLECTION = '${name}';

// As in the cloud, a collection must exist before documents are added to it.
const missingCollection = (e) => e && (e.errCode === -502005 || /COLLECTION_NOT_EXIST/.test(String(e.errMsg || e.message)));

async function addCreating(collection, name, data) {
  try {
    return await collection.add({ data });
  } catch (e) {
    if (!missingCollection(e)) throw e;
    await db.createCollection(name);
    return collection.add({ data });
  }
}

// event: { action?: 'list' (the default) | 'add' | 'get' | 'update' | 'remove', collection?, id?, data?, limit? }
exports.main = async (event) => {
  const { OPENID } = cloud.getWXContext();
  const name = event.collection || COLLECTION;
  const collection = db.collection(name);
  switch (event.action || 'list') {
    case 'add': {
      const { _id } = await addCreating(collection, name, { ...event.data, _openid: OPENID, createdAt: db.serverDate() });
      return { _id };
    }
    case 'get':
      return (await collection.doc(event.id).get()).data;
    case 'list':
      try {
        return (await collection.where({ _openid: OPENID }).limit(event.limit || 20).get()).data;
      } catch (e) {
        if (missingCollection(e)) return [];
        throw e;
      }
    case 'update':
      return (await collection.doc(event.id).update({ data: event.data })).stats;
    case 'remove':
      return (await collection.doc(event.id).remove()).stats;
    default:
      throw new Error(\`Unknown action: \${event.action}. Known: list, add, get, update, remove\`);
  }
};
`;
}

/** Saved test events the template comes with, so its first Invoke shows what it does. */
function databaseEvents(): Record<string, string> {
  const event = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;
  return {
    '.events/list.json': event({ action: 'list' }),
    '.events/add.json': event({ action: 'add', data: { title: 'My first document' } }),
  };
}

const ROUTER = `const cloud = require('wx-server-sdk');

cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });

// One module per action; each exports (event, context, cloud) => result.
const handlers = {
  hello: require('./handlers/hello'),
  whoami: require('./handlers/whoami'),
};

exports.main = async (event, context) => {
  const handler = handlers[event.action];
  if (!handler) throw new Error(\`Unknown action: \${event.action}. Known: \${Object.keys(handlers).join(', ')}\`);
  return handler(event, context, cloud);
};
`;

const ROUTER_HELLO = `module.exports = async (event) => ({ message: \`Hello, \${event.name || 'world'}!\` });
`;

const ROUTER_WHOAMI = `module.exports = async (event, context, cloud) => {
  const { OPENID, APPID, ENV } = cloud.getWXContext();
  return { openid: OPENID, appid: APPID, env: ENV };
};
`;

const TYPESCRIPT = `import * as cloud from 'wx-server-sdk';
import { greeting } from './lib/greeting';

// DYNAMIC_CURRENT_ENV: the environment the function runs in, locally or in the cloud.
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });

export interface HelloEvent {
  name?: string;
}

export const main = async (event: HelloEvent) => {
  const { OPENID } = cloud.getWXContext();
  return { message: greeting(event.name ?? 'world'), openid: OPENID };
};
`;

const TYPESCRIPT_GREETING = `export function greeting(name: string): string {
  return \`Hello, \${name}!\`;
}
`;

/** Type checking only: the local environment and deploy compile with esbuild. */
const TSCONFIG = `${JSON.stringify(
  { compilerOptions: { target: 'ES2020', module: 'commonjs', moduleResolution: 'node', strict: true, esModuleInterop: true, skipLibCheck: true, noEmit: true }, include: ['**/*.ts'] },
  null,
  2,
)}\n`;

function typeScriptPackageJson(name: string): string {
  const pkg = {
    name,
    version: '1.0.0',
    description: 'Cloud function in TypeScript',
    dependencies: { 'wx-server-sdk': SDK_VERSION },
    devDependencies: { esbuild: '^0.28.2', typescript: '^5.9.3', '@types/node': '^20.19.0' },
  };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

function files(name: string, template: FunctionTemplate): Record<string, string> {
  switch (template) {
    case 'blank':
      return { 'index.js': BLANK, 'package.json': packageJson(name, 'Cloud function'), 'config.json': CONFIG_JSON };
    case 'database':
      return { 'index.js': databaseSource(name), 'package.json': packageJson(name, 'Database CRUD cloud function'), 'config.json': CONFIG_JSON, ...databaseEvents() };
    case 'router':
      return {
        'index.js': ROUTER,
        'handlers/hello.js': ROUTER_HELLO,
        'handlers/whoami.js': ROUTER_WHOAMI,
        'package.json': packageJson(name, 'Cloud function routing event.action to handlers'),
        'config.json': CONFIG_JSON,
      };
    case 'typescript':
      return {
        'index.ts': TYPESCRIPT,
        'lib/greeting.ts': TYPESCRIPT_GREETING,
        'tsconfig.json': TSCONFIG,
        'package.json': typeScriptPackageJson(name),
        'config.json': CONFIG_JSON,
      };
  }
}

/**
 * Creates `<functionRoot>/<name>/` from a template and returns its path. Refuses a bad name, an
 * unknown template and an existing folder before writing anything; a write that fails midway
 * removes the new folder again.
 */
export async function createFunctionFromTemplate(functionRoot: string, name: string, template: FunctionTemplate): Promise<string> {
  validateFunctionName(name);
  if (!FUNCTION_TEMPLATES.some((t) => t.id === template)) {
    throw new StudioError('InvalidArgument', `Unknown function template "${String(template)}" (templates: ${FUNCTION_TEMPLATES.map((t) => t.id).join(', ')}).`);
  }
  const folder = join(functionRoot, name);
  await fs.mkdir(functionRoot, { recursive: true });
  try {
    await fs.mkdir(folder);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new StudioError('FunctionExists', `${folder} already exists.`, { cause: e });
    throw e;
  }
  try {
    for (const [path, content] of Object.entries(files(name, template))) {
      const file = join(folder, path);
      await fs.mkdir(join(file, '..'), { recursive: true });
      await fs.writeFile(file, content, { flag: 'wx' });
    }
  } catch (e) {
    await fs.rm(folder, { recursive: true, force: true });
    throw e;
  }
  return folder;
}

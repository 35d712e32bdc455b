/**
 * HTTP access routes on the real local environment through real HTTP requests: the integration
 * event the function sees, its integration response mapped back (binary bodies both ways), plain
 * return values as JSON, and the bad cases: a malformed response (502, reason in the function's
 * log), a failing function, routes that collide, a path the environment serves itself, a body
 * over the cloud's limit.
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startLocalEnvironment, type LocalEnvironment } from '../../../../src/emulator/environment';
import { answerOf } from '../../../../src/emulator/server/http-access';
import { matchRoute, readHttpAccessRoutes } from '../../../../src/project/http-access-routes';
import { makeProject, type TestProject } from './support';

const FUNCTIONS: Record<string, string> = {
  api: `exports.main = async (event) => ({ statusCode: 201, headers: { 'content-type': 'application/json', 'x-route': 'api', 'set-cookie': ['a=1', 'b=2'] }, body: JSON.stringify(event) });\n`,
  bin: `exports.main = async (event) => {
  const bytes = Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
  return { statusCode: 200, headers: { 'content-type': 'application/octet-stream' }, isBase64Encoded: true, body: Buffer.from(bytes.reverse()).toString('base64') };
};\n`,
  plain: `exports.main = async () => ({ hello: 'world' });\n`,
  text: `exports.main = async () => 'just text';\n`,
  malformed: `exports.main = async () => ({ statusCode: 200, body: { not: 'a string' } });\n`,
  throws: `exports.main = async () => { throw new Error('route failed'); };\n`,
  one: `exports.main = async () => 'one';\n`,
  two: `exports.main = async () => 'two';\n`,
};

describe('HTTP access routes on the local environment', function () {
  this.timeout(60_000);
  let project: TestProject;
  let env: LocalEnvironment;

  before(async () => {
    project = makeProject('cbs-http-');
    for (const [name, code] of Object.entries(FUNCTIONS)) {
      mkdirSync(join(project.root, 'cloudfunctions', name), { recursive: true });
      writeFileSync(join(project.root, 'cloudfunctions', name, 'index.js'), code);
    }
    writeFileSync(
      join(project.root, 'cloudbaserc.json'),
      JSON.stringify({
        envId: 'x',
        framework: {
          plugins: {
            fn: {
              use: '@cloudbase/framework-plugin-function',
              inputs: { servicePaths: { api: '/api', bin: '/api/bin', plain: '/plain/', text: '/text', malformed: '/malformed', throws: '/throws', one: '/same', two: '/same', ghost: '/admin/x' } },
            },
          },
        },
      }),
    );
    mkdirSync(join(project.root, '.cloudbase'), { recursive: true });
    writeFileSync(join(project.root, '.cloudbase', 'http-access.json'), JSON.stringify({ servicePaths: { plain: '/local-plain' } }));
    env = await startLocalEnvironment({ projectRoot: project.root, envId: 'local-http' });
  });
  after(async () => {
    await env?.close();
    project?.remove();
  });

  it('calls the function with the integration event and maps its response back', async () => {
    const res = await fetch(`${env.url}/api/users/7?x=1&y=two`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-custom': 'v' }, body: '{"a":1}' });
    assert.equal(res.status, 201);
    assert.equal(res.headers.get('x-route'), 'api');
    assert.deepEqual(res.headers.getSetCookie(), ['a=1', 'b=2']);
    const event = (await res.json()) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    assert.equal(event.path, '/api/users/7');
    assert.equal(event.httpMethod, 'POST');
    assert.equal(event.headers['x-custom'], 'v');
    assert.deepEqual(event.queryStringParameters, { x: '1', y: 'two' });
    assert.equal(event.body, '{"a":1}');
    assert.equal(event.isBase64Encoded, false);
    assert.equal(event.requestContext.path, '/api');
    assert.equal(event.requestContext.serviceId, 'local-http');
  });

  it('passes binary bodies base64-encoded both ways, and the longest route path wins', async () => {
    const bytes = Buffer.from([0, 1, 2, 250, 255, 128, 13, 10]);
    const res = await fetch(`${env.url}/api/bin`, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: bytes });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/octet-stream');
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), Buffer.from(bytes).reverse());
  });

  it('sends a plain return value as JSON and a string as text; the local route table works too', async () => {
    for (const path of ['/plain', '/plain/deeper', '/local-plain']) {
      const res = await fetch(`${env.url}${path}`);
      assert.equal(res.status, 200, path);
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
      assert.deepEqual(await res.json(), { hello: 'world' });
    }
    const text = await fetch(`${env.url}/text`);
    assert.equal(await text.text(), 'just text');
  });

  it('answers a malformed response with 502 and says why in the function log', async () => {
    const res = await fetch(`${env.url}/malformed`);
    assert.equal(res.status, 502);
    const body = (await res.json()) as { code: string; message: string };
    assert.equal(body.code, 'HTTP_RESPONSE_MALFORMED');
    assert.match(body.message, /body is object, not a string/);
    const logged = env.functions.logs.query({ functionName: 'malformed' }).filter((e) => e.level === 'error');
    assert.ok(logged.some((e) => /HTTP access GET \/malformed: The function returned a malformed HTTP response: body is object/.test(e.message)));
  });

  it('answers a failing function with 502 and its error', async () => {
    const res = await fetch(`${env.url}/throws`);
    assert.equal(res.status, 502);
    assert.match(((await res.json()) as { message: string }).message, /route failed/);
  });

  it('refuses colliding routes and routes under /admin with a clear error; the rest still work', async () => {
    const res = await fetch(`${env.url}/same`);
    assert.equal(res.status, 500);
    assert.match(((await res.json()) as { message: string }).message, /claimed by several functions \(one, two\)/);
    const routes = await readHttpAccessRoutes(project.root);
    assert.match(routes.find((r) => r.functionName === 'ghost')!.error!, /under \/admin/);
    assert.equal((await fetch(`${env.url}/text`)).status, 200);
    assert.equal((await fetch(`${env.url}/nothing-here`)).status, 404);
  });

  it('refuses a body over 6 MB with 413 before the function runs', async () => {
    const res = await fetch(`${env.url}/api`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x'.repeat(6 * 1024 * 1024 + 1) });
    assert.equal(res.status, 413);
    assert.match(((await res.json()) as { message: string }).message, /over 6 MB/);
  });

  it('still serves /admin and storage as before', async () => {
    const res = await fetch(`${env.url}/admin`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(res.status, 200);
  });
});

describe('HTTP access response mapping', () => {
  const malformed: [unknown, RegExp][] = [
    [{ statusCode: '200' }, /statusCode "200"/],
    [{ statusCode: 99 }, /statusCode 99/],
    [{ statusCode: 200, headers: [] }, /headers is not an object/],
    [{ statusCode: 200, headers: { 'a b': 'x' } }, /header name/],
    [{ statusCode: 200, headers: { a: { b: 1 } } }, /header a is not a string/],
    [{ statusCode: 200, headers: { a: 'x\r\nb: y' } }, /line break/],
    [{ statusCode: 200, isBase64Encoded: 'yes', body: '' }, /isBase64Encoded is not a boolean/],
    [{ statusCode: 200, isBase64Encoded: true, body: '***' }, /not base64/],
  ];
  for (const [result, message] of malformed) {
    it(`refuses ${JSON.stringify(result)}`, () => assert.throws(() => answerOf(result), message));
  }
  it('maps an integration response without a body to an empty one', () => {
    assert.deepEqual(answerOf({ statusCode: 204 }), { status: 204, headers: {}, body: Buffer.alloc(0) });
  });
  it('matches routes by path segments, not string prefixes', () => {
    const routes = [{ path: '/api', functionName: 'a', source: 's' }];
    assert.equal(matchRoute(routes, '/apix'), undefined);
    assert.equal(matchRoute(routes, '/api/x')?.functionName, 'a');
  });
});

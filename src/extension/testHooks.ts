/**
 * The exported API's test hooks (redirecting Tencent requests, another CLI login file, reading
 * stored state) would let any installed extension reach what it must not, so they exist only in
 * an extension host whose environment the test harness marked. No vscode import: unit-tested.
 */
export const TEST_HOOKS_VARIABLE = 'CLOUDBASE_STUDIO_TEST_HOOKS';

export function testHooksEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[TEST_HOOKS_VARIABLE] === '1';
}

/** `build()` when the harness asked for the hooks, otherwise nothing (the API has no such members). */
export function testHooks<T extends object>(build: () => T, env: NodeJS.ProcessEnv = process.env): T | Record<string, never> {
  return testHooksEnabled(env) ? build() : {};
}

/** An invocation's event must survive JSON unchanged, as it does on its way to the cloud. */
import { StudioError } from '../../shared/errors';

/** SCF's limit for a synchronous invocation's request. */
export const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;

/** SCF's limit for a synchronous invocation's response (its status 407 when exceeded). */
export const MAX_RESULT_BYTES = 6 * 1024 * 1024;

/** Deeper events are refused before they are walked (recursively, here and when serialised). */
export const MAX_EVENT_DEPTH = 100;

function check(value: unknown, path: string, seen: Set<object>, depth = 0): void {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new StudioError('InvalidArgument', `The event is not JSON: ${path} is ${value}.`);
    return;
  }
  if (typeof value !== 'object') {
    const kind = value === undefined ? 'undefined' : `a ${typeof value}`;
    throw new StudioError('InvalidArgument', `The event is not JSON: ${path} is ${kind}.`);
  }
  if (depth >= MAX_EVENT_DEPTH) throw new StudioError('InvalidArgument', `The event is nested deeper than ${MAX_EVENT_DEPTH} levels.`);
  if (seen.has(value)) throw new StudioError('InvalidArgument', `The event is not JSON: ${path} refers back to itself.`);
  seen.add(value);
  if (Array.isArray(value)) {
    value.forEach((v, i) => check(v, `${path}[${i}]`, seen, depth + 1));
  } else {
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null) {
      const kind = (value as { constructor?: { name?: string } }).constructor?.name ?? 'object';
      throw new StudioError('InvalidArgument', `The event is not JSON: ${path} is a ${kind}.`);
    }
    for (const [k, v] of Object.entries(value)) check(v, `${path}.${k}`, seen, depth + 1);
  }
  seen.delete(value);
}

/** Throws StudioError('InvalidArgument') unless `event` is plain JSON data within the size limit. */
export function assertPayload(event: unknown): void {
  check(event, 'event', new Set());
  const size = Buffer.byteLength(JSON.stringify(event));
  if (size > MAX_PAYLOAD_BYTES) {
    throw new StudioError('InvalidArgument', `The event is ${size} bytes; invocations take at most ${MAX_PAYLOAD_BYTES}.`);
  }
}

/**
 * The counts of a collection's recent filters, each kept with the store generation it was counted
 * at (Store.generation): any write since, to any collection, makes it unknown again.
 */
import { EJSON } from 'bson';

const MAX_FILTERS = 16;
/** A filter longer than this as text is counted every time rather than kept as a key. */
const MAX_KEY_LENGTH = 4096;

/** The filter as canonical Extended JSON, with undefined kept apart from absent; none if it has no such form. */
export function countKey(filter: Record<string, unknown>): string | undefined {
  try {
    const key = EJSON.stringify(filter as never, (_k, v: unknown) => (v === undefined ? { $undefined: true } : v), undefined, { relaxed: false });
    return key.length <= MAX_KEY_LENGTH ? key : undefined;
  } catch {
    return undefined;
  }
}

export class CountCache {
  private readonly counts = new Map<string, { generation: number; n: number }>();

  get(key: string | undefined, generation: number): number | undefined {
    const known = key === undefined ? undefined : this.counts.get(key);
    return known?.generation === generation ? known.n : undefined;
  }

  set(key: string | undefined, generation: number, n: number): void {
    if (key === undefined) return;
    this.counts.delete(key);
    this.counts.set(key, { generation, n });
    if (this.counts.size > MAX_FILTERS) this.counts.delete(this.counts.keys().next().value as string);
  }
}

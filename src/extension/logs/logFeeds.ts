/**
 * Feeds for a log session. A backend's LogsApi is used as it is: the local environment pushes,
 * Tencent's polls its log search (src/cloud/logPolling.ts) and de-duplicates its overlapping
 * windows itself; only its first window can repeat the history the session loads. No vscode
 * import (plain-Node tests).
 */
import type { LogsApi } from '../../cloud/backend';
import { pollLogs, type LogSearch, type PollOptions } from '../../cloud/logPolling';
import type { LogFeed } from './logSession';

export type { PollOptions } from '../../cloud/logPolling';

/** A backend's LogsApi as a feed; the session drops repeats where the backend says its tail may repeat its history. */
export function pushFeed(logs: LogsApi): LogFeed {
  return {
    overlapping: logs.overlapping === true,
    tail: (filter, signal, hooks) => logs.tail(filter, signal, hooks),
    query: (filter, signal) => logs.query(filter, signal),
  };
}

/**
 * A service that can only be searched, tailed by the poller in src/cloud (the one Tencent's
 * LogsApi uses): it hands on each line once, though its first window can repeat the history.
 */
export function pollingFeed(query: LogSearch, options: PollOptions = {}): LogFeed {
  return {
    overlapping: true,
    query,
    tail: (filter, signal, hooks) =>
      pollLogs(query, filter, signal, {
        ...options,
        onPolled: (at, nextInMs) => {
          options.onPolled?.(at, nextInMs);
          hooks?.onPolled?.({ at, nextInMs });
        },
      }),
  };
}

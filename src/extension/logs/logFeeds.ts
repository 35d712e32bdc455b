/**
 * Feeds for a log session. A backend's LogsApi is used as it is: the local environment pushes,
 * Tencent's polls its log search (src/cloud/logPolling.ts) and de-duplicates the overlapping
 * windows itself. No vscode import (plain-Node tests).
 */
import type { LogsApi } from '../../cloud/backend';
import { pollLogs, type LogSearch, type PollOptions } from '../../cloud/logPolling';
import type { LogFeed } from './logSession';

export type { PollOptions } from '../../cloud/logPolling';

/** A backend's LogsApi as a feed: its tail pushes each entry once. */
export function pushFeed(logs: LogsApi): LogFeed {
  return {
    overlapping: false,
    tail: (filter, signal) => logs.tail(filter, signal),
    query: (filter, signal) => logs.query(filter, signal),
  };
}

/**
 * A service that can only be searched, tailed by the poller in src/cloud (the one Tencent's
 * LogsApi uses): it hands on each line once, so the session has no repeats to drop.
 */
export function pollingFeed(query: LogSearch, options: PollOptions = {}): LogFeed {
  return {
    overlapping: false,
    query,
    tail: (filter, signal) => pollLogs(query, filter, signal, options),
  };
}

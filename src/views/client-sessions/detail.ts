import { type ClientSession, SessionStatus } from '../../gen/prism/admin/v1/client_session_pb.js';
import type { Url } from '../../html/url.js';
import { routes } from '../../routes/table.js';
import { formatBytes, formatNumber, formatRate } from '../format.js';
import { type SessionStatusInfo, sessionStatusInfo } from './status.js';
import { type TimeText, timeText } from './time.js';

export interface SessionDetail {
  id: string;
  clientId: string;
  clientAddress: string;
  proxy: string;
  namespace: string;
  namespaceHref: Url | undefined;
  status: SessionStatusInfo;
  open: boolean;
  started: TimeText;
  lastActivity: TimeText;
  /** For a terminated session: when it ended; otherwise when it closes if idle until then. */
  expire: TimeText;
  expireLabel: string;
  metrics: { label: string; value: string; testId: string }[];
  terminateHref: Url;
}

export function sessionDetail(session: ClientSession, now: Date): SessionDetail {
  const m = session.metrics;
  const terminated = session.status === SessionStatus.TERMINATED;
  return {
    id: session.id,
    clientId: session.clientId,
    clientAddress: session.clientAddress,
    proxy: session.proxy,
    namespace: session.namespace,
    namespaceHref: session.namespace
      ? routes.namespaces.detail.href({ name: session.namespace })
      : undefined,
    status: sessionStatusInfo(session.status),
    open: !terminated,
    started: timeText(session.startTime, now),
    lastActivity: timeText(session.lastActivityTime, now),
    expire: timeText(session.expireTime, now),
    expireLabel: terminated ? 'Ended' : 'Closes if idle until',
    metrics: [
      { label: 'Requests', value: formatNumber(m?.requestCount ?? 0n), testId: 'requests' },
      { label: 'Requests per second', value: formatRate(m?.rps ?? 0), testId: 'rps' },
      {
        label: 'p99 latency',
        value: `${formatNumber(Math.round((m?.p99LatencyMs ?? 0) * 10) / 10)} ms`,
        testId: 'p99',
      },
      { label: 'Bytes in', value: formatBytes(m?.bytesIn ?? 0n), testId: 'bytes-in' },
      { label: 'Bytes out', value: formatBytes(m?.bytesOut ?? 0n), testId: 'bytes-out' },
    ],
    terminateHref: routes.sessions.terminate.href({ id: session.id }),
  };
}

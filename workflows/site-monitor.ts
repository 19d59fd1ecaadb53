/**
 * `siteMonitor`: one long-running workflow per monitored site (workflow id `monitor-<host>[-port]`).
 * At every interval (a durable timer) it checks the site, records the check, runs the state
 * machine (transitions.ts) and sends each alert once through the outbox. It keeps compact rolling
 * aggregates (stats.ts) so its `status` query answers uptime and p95 without I/O, and continues as
 * new every `checksPerRun` checks (or when Temporal suggests it), carrying that compact state.
 *
 * Signals `pause` / `resume`; update `configure` (interval, thresholds, paused; validated before it
 * is accepted); query `status`. Search attributes: family, domain, status (unknown/up/down/paused).
 */
import {
  allHandlersFinished,
  CancellationScope,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  defineUpdate,
  isCancellation,
  log,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { MonitorActivities } from '../activities/audits/monitor/index.js';
import type { NotifyActivities } from '../activities/shared/notify.js';
import { emptyStats, recordStats, windows } from '../activities/audits/monitor/stats.js';
import { applyCheck, initialMachine } from '../activities/audits/monitor/transitions.js';
import { incidentChange } from '../activities/audits/monitor/incident-change.js';
import { validatePatch, type MonitorConfigPatch } from '../activities/audits/monitor/config-patch.js';
import {
  ALERTING,
  type AlertTransition,
  type CheckResult,
  type MonitorState,
  type SiteMonitorInput,
  type SiteMonitorStatus,
  type Thresholds,
} from '../core/contracts/monitors.js';
import { SA } from '../core/temporal.js';
import { OUTAGE_PROOF, OUTAGE_WINDOW, UNTIL_RECOVERED_POLITE } from '../core/retry-policies.js';

export type { MonitorConfigPatch };

export const monitorStatusQuery = defineQuery<SiteMonitorStatus>('status');
export const monitorPauseSignal = defineSignal('pause');
export const monitorResumeSignal = defineSignal('resume');
export const monitorConfigureUpdate = defineUpdate<SiteMonitorStatus, [MonitorConfigPatch]>('configure');

const MAX_RECENT_ALERTS = 20;

// A PostgreSQL outage pauses the checks (they resume where they stopped), it never ends the monitor.
const { recordCheck, enqueueMonitorAlert, nextCheckSequence, recordMonitorIncident } = proxyActivities<MonitorActivities>(OUTAGE_PROOF);
// Delivery runs beside the checks and never blocks them; a receiver (or SMTP) down for longer than
// the outage window gives up (the outbox row stays pending with its error).
const { deliverNotification } = proxyActivities<NotifyActivities>({
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: OUTAGE_WINDOW,
  retry: UNTIL_RECOVERED_POLITE,
});

export async function siteMonitor(input: SiteMonitorInput): Promise<SiteMonitorStatus> {
  const carried = input.carried;
  let intervalSeconds = input.intervalSeconds;
  let thresholds: Thresholds = { ...input.thresholds };
  let paused = input.paused ?? false;
  let nextSeq = carried?.nextSeq ?? 0;
  let machine = carried?.machine ?? initialMachine();
  let stats = carried?.stats ?? emptyStats();
  let lastCheck = carried?.lastCheck ?? null;
  let nextDueAt = carried?.nextDueAt ?? null;
  let recentAlerts = carried?.recentAlerts ?? [];
  const runNumber = carried?.runNumber ?? 1;
  const pending = new Set<string>();
  let checksThisRun = 0;
  let wake = 0;
  let stopped = false;

  const currentState = (): MonitorState => (stopped ? 'stopped' : paused ? 'paused' : machine.availability);
  const status = (): SiteMonitorStatus => ({
    monitorId: input.monitorId,
    url: input.url,
    state: currentState(),
    paused,
    intervalSeconds,
    thresholds,
    lastCheck,
    openIncidents: machine.openIncidents,
    consecutiveFailures: machine.consecutiveFailures,
    consecutiveSlowChecks: machine.consecutiveSlow,
    stats: { asOf: new Date(Date.now()).toISOString(), ...windows(stats, Date.now()) },
    recentAlerts,
    pendingDeliveries: pending.size,
    run: { number: runNumber, checks: checksThisRun, checksPerRun: input.checksPerRun },
  });

  let shownState: MonitorState | null = null;
  const showState = () => {
    const s = currentState();
    if (s === shownState) return;
    shownState = s;
    upsertSearchAttributes([{ key: SA.status, value: s }]);
  };
  upsertSearchAttributes([
    { key: SA.family, value: 'audits' },
    { key: SA.domain, value: input.host },
  ]);
  showState();

  const applyPatch = (patch: MonitorConfigPatch) => {
    if (patch.intervalSeconds !== undefined && patch.intervalSeconds !== intervalSeconds) {
      if (nextDueAt !== null) nextDueAt += (patch.intervalSeconds - intervalSeconds) * 1000;
      intervalSeconds = patch.intervalSeconds;
    }
    if (patch.thresholds) thresholds = { ...thresholds, ...patch.thresholds };
    if (patch.paused !== undefined) paused = patch.paused;
    wake += 1;
    showState();
  };
  setHandler(monitorStatusQuery, status);
  setHandler(monitorPauseSignal, () => applyPatch({ paused: true }));
  setHandler(monitorResumeSignal, () => applyPatch({ paused: false }));
  setHandler(
    monitorConfigureUpdate,
    (patch) => {
      validatePatch(patch, input.intervalBounds);
      applyPatch(patch);
      return status();
    },
    { validator: (patch) => validatePatch(patch, input.intervalBounds) },
  );

  const deliver = (key: string) => {
    if (pending.has(key)) return;
    pending.add(key);
    deliverNotification(key)
      .catch((err) => log.warn('monitor alert delivery gave up', { key, error: (err as Error).message }))
      .finally(() => pending.delete(key));
  };
  for (const key of carried?.pendingDeliveries ?? []) deliver(key);

  const waitUntilDue = async () => {
    for (;;) {
      if (paused) {
        await condition(() => !paused);
        continue;
      }
      const remaining = nextDueAt === null ? 0 : nextDueAt - Date.now();
      if (remaining <= 0) return;
      const seen = wake;
      await condition(() => wake !== seen || paused, remaining);
    }
  };

  /** Runs a bookkeeping step whose final failure (after its retries) must not stop the monitoring. */
  const survive = async <T>(what: string, fn: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await fn();
    } catch (err) {
      if (isCancellation(err)) throw err;
      log.error(`monitor gave up ${what}`, { error: (err as Error).message });
      return undefined;
    }
  };

  const runCheck = async () => {
    // Checks keep to a fixed grid (due + interval), so the latency of timers and tasks does not
    // accumulate; slots missed by more than an interval (a long pause, a worker outage) are skipped.
    const now = Date.now();
    nextDueAt = (nextDueAt ?? now) + intervalSeconds * 1000;
    if (nextDueAt <= now) nextDueAt = now + intervalSeconds * 1000;
    const { checkSite, checkAndRecord } = proxyActivities<MonitorActivities>({
      startToCloseTimeout: thresholds.timeoutMs + 15_000,
      retry: { maximumAttempts: 3, initialInterval: '1 second' },
    });
    // One activity that checks and records (one round-trip in history per check instead of two).
    const combined = patched('monitor-check-and-record');
    let check: CheckResult;
    try {
      check = combined
        ? await checkAndRecord({ monitorId: input.monitorId, url: input.url, timeoutMs: thresholds.timeoutMs, seq: nextSeq })
        : await checkSite({ monitorId: input.monitorId, url: input.url, timeoutMs: thresholds.timeoutMs });
    } catch (err) {
      if (isCancellation(err)) throw err;
      // The checker itself failed (not the site): skip this round rather than count it against the site.
      log.warn('monitor check could not run', { error: (err as Error).message });
      return;
    }
    const seq = nextSeq++;
    checksThisRun += 1;
    if (!combined) await survive('recording the check', () => recordCheck({ monitorId: input.monitorId, seq, check }));
    const before = machine;
    const step = applyCheck(machine, check, seq, thresholds);
    machine = step.state;
    stats = recordStats(stats, Date.parse(check.checkedAt), check.ok, check.latencyMs);
    lastCheck = { ...check, seq };
    showState();
    for (const t of step.transitions) {
      // the incident this transition opens (now open) or closes (open before), for the incidents history
      const kind = incidentChange(t).kind;
      const incident = (incidentChange(t).action === 'open' ? machine : before).openIncidents.find((i) => i.kind === kind) ?? null;
      if (!ALERTING.has(t)) {
        // silent closes (latency back to normal, certificate renewed) are recorded too
        if (patched('monitor-incident-closes')) {
          await survive('recording the incident', () => recordMonitorIncident({ monitorId: input.monitorId, transition: t, seq, check, thresholds, incident }));
        }
        continue;
      }
      const transition = t as AlertTransition;
      const since = transition === 'recovered' ? (before.openIncidents.find((i) => i.kind === 'down')?.since ?? null) : null;
      const keys = await survive('enqueueing the alert', () =>
        enqueueMonitorAlert({ monitorId: input.monitorId, url: input.url, transition, seq, check, thresholds, since, incident }),
      );
      recentAlerts = [...recentAlerts, { transition, seq, at: check.checkedAt }].slice(-MAX_RECENT_ALERTS);
      keys?.forEach(deliver);
    }
  };

  try {
    // A new monitor continues the numbering of the site's earlier checks (a deleted, re-created
    // monitor), so check rows and alert keys never collide with old ones.
    if (!carried) nextSeq = await nextCheckSequence({ monitorId: input.monitorId });
    for (;;) {
      await waitUntilDue();
      if (checksThisRun >= input.checksPerRun || workflowInfo().continueAsNewSuggested) {
        await condition(allHandlersFinished);
        return await continueAsNew<typeof siteMonitor>({
          ...input,
          intervalSeconds,
          thresholds,
          paused,
          carried: {
            nextSeq,
            machine,
            stats,
            lastCheck,
            nextDueAt,
            pendingDeliveries: [...pending],
            recentAlerts,
            runNumber: runNumber + 1,
          },
        });
      }
      await runCheck();
    }
  } catch (err) {
    if (isCancellation(err)) {
      await CancellationScope.nonCancellable(async () => {
        stopped = true;
        showState();
      });
    }
    throw err;
  }
}

/** The stored audit report: probes, provider identification and the rubric's verdict. Pure. */
import { identifyProvider, type ProviderIdentification } from './identify-provider.js';
import { evaluateRubric } from './rubric.js';
import type { RubricResult } from './rubric-types.js';
import { detectStack, type Stack } from './stack.js';
import type { ProbeResults } from './types.js';

export interface AuditReport {
  id: string;
  url: string;
  domain: string;
  startedAt: string;
  finishedAt: string;
  options: { browser: boolean; samples: number };
  provider: ProviderIdentification;
  /** Web server kind and control panel (what the advice is written for). */
  stack: Stack;
  rubric: RubricResult;
  probes: ProbeResults;
  screenshot: boolean;
}

export interface BuildReportInput {
  id: string;
  url: string;
  domain: string;
  startedAt: string;
  finishedAt: string;
  options: { browser: boolean; samples: number };
  probes: ProbeResults;
}

export function buildReport(input: BuildReportInput): AuditReport {
  const { probes } = input;
  const dns = probes.dns.ok ? probes.dns.data : null;
  const http = probes.http.ok ? probes.http.data : null;
  const tls = probes.tls.ok && probes.tls.data.connected ? probes.tls.data : null;
  const provider = identifyProvider({
    nameservers: dns?.ns ?? [],
    reverseDns: Object.values(dns?.ptr ?? {}).flat(),
    headers: http?.headers ?? {},
    page: http?.page ?? null,
    certificate: tls ? { issuer: tls.issuer, names: tls.names ?? [] } : null,
  });
  const stack = detectStack({ server: http?.server ?? null, headers: http?.headers ?? {}, page: http?.page ?? null, certIssuer: tls?.issuer ?? null });
  const rubric = evaluateRubric({ probes, provider, stack });
  return { ...input, provider, stack, rubric, screenshot: probes.browser.ok && probes.browser.data.screenshot };
}

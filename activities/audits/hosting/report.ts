/** The stored audit report: probes, provider identification and the rubric's verdict. Pure. */
import { identifyProvider, type ProviderIdentification } from './identify-provider.js';
import { evaluateRubric, type RubricResult } from './rubric.js';
import type { ProbeResults } from './types.js';

export interface AuditReport {
  id: string;
  url: string;
  domain: string;
  startedAt: string;
  finishedAt: string;
  options: { browser: boolean; samples: number };
  provider: ProviderIdentification;
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
  const provider = identifyProvider({
    nameservers: dns?.ns ?? [],
    reverseDns: Object.values(dns?.ptr ?? {}).flat(),
    headers: http?.headers ?? {},
  });
  const rubric = evaluateRubric({ probes, provider });
  return { ...input, provider, rubric, screenshot: probes.browser.ok && probes.browser.data.screenshot };
}

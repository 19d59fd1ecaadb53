/**
 * Names shared by workflows, workers, the API and operators: task queues and search attributes.
 * Safe to import from workflow code (no I/O, only @temporalio/common).
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Every process family has its own task queue, so each can be scaled on its own. */
export const FAMILIES = ['platform', 'concierge', 'watches', 'sync', 'audits'] as const;
export type Family = (typeof FAMILIES)[number];

/** Queue names carry a version: a breaking change to a family's workers gets a new queue. */
export const TASK_QUEUE_VERSION = 'v1';
export function taskQueueFor(family: Family, prefix = 'atelier'): string {
  return `${prefix}-${family}-${TASK_QUEUE_VERSION}`;
}

/** Custom search attributes every family sets so operators can find a run in the Web UI. */
export const SA = {
  family: defineSearchAttributeKey('AtelierFamily', SearchAttributeType.KEYWORD),
  customer: defineSearchAttributeKey('AtelierCustomer', SearchAttributeType.KEYWORD),
  domain: defineSearchAttributeKey('AtelierDomain', SearchAttributeType.KEYWORD),
  source: defineSearchAttributeKey('AtelierSource', SearchAttributeType.KEYWORD),
  status: defineSearchAttributeKey('AtelierStatus', SearchAttributeType.KEYWORD),
} as const;

/** name -> Temporal CLI / operator-service type, for registration. */
export const SEARCH_ATTRIBUTES: ReadonlyArray<{ name: string; type: 'Keyword' }> = Object.values(SA).map((k) => ({ name: k.name, type: 'Keyword' as const }));

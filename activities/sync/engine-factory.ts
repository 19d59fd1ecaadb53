/**
 * The sync engine's dependencies built from configuration, once per worker process: the rules
 * parsed, the two rate limiters in PostgreSQL (a wait heartbeats and ends when the activity is
 * cancelled), the HubSpot gateway and the Sage sources made on first use, and the engine with the
 * field mappings in force now, plus what the creations from HubSpot need.
 */
import { Context } from '@temporalio/activity';
import type { SyncEntity } from '../../core/contracts/sync.js';
import type { Config } from '../../core/config.js';
import type { Logger } from '../../core/logger.js';
import type { Db } from '../../db/client.js';
import type { EngineDeps } from './engine-deps.js';
import { parseHubSpotDeletionRules } from './hubspot-deletions.js';
import { createHubSpotGateway } from './hubspot-gateway.js';
import type { HubSpotGateway } from './hubspot-port.js';
import { interventionsSource } from './interventions-source.js';
import { currentMappings } from './mapping/store.js';
import { parseRuleOverrides } from './ownership.js';
import type { QuoteCreateDeps } from './quote-create.js';
import { parseQuoteRule } from './quote-create-plan.js';
import { pgRateLimiter } from './rate-limit.js';
import { createSageBusinessCloud } from './sage/business-cloud.js';
import type { SageSource } from './sage/port.js';
import type { CreateDeps } from './sage-create.js';
import { parseCreateRule } from './sage-create-plan.js';
import { parseDeletionRules } from './sage-deletions.js';
import type { EntitySource } from './source.js';

function inActivity(): Context | null {
  try {
    return Context.current();
  } catch {
    return null;
  }
}

export function createSyncEngineFactory({ config, db, logger }: { config: Config; db: Db; logger: Logger }) {
  const log = logger.child({ family: 'sync' });
  const overrides = parseRuleOverrides(config.SYNC_CONFLICT_RULES);
  const deletionRules = parseDeletionRules(config.SYNC_DELETION_RULES);
  const createRule = parseCreateRule(config.SYNC_SAGE_CREATE_RULE);
  const quoteRule = parseQuoteRule(config.SYNC_SAGE_QUOTE_RULE);
  const [taxId, taxRate] = config.SYNC_SAGE_QUOTE_TAX_RATE.split(':') as [string, string];
  const hubspotDeletionRules = parseHubSpotDeletionRules(config.SYNC_HUBSPOT_DELETION_RULES);
  // A wait for the rate limit heartbeats, and ends as soon as the activity is cancelled (or its
  // worker shuts down) instead of sleeping out its turn.
  const beatWhileWaiting = (ms: number) => {
    const ctx = inActivity();
    ctx?.heartbeat({ waitingForRateLimitMs: ms });
    ctx?.cancellationSignal.throwIfAborted();
  };
  const hubLimiter = pgRateLimiter(
    db,
    { name: 'hubspot', limit: config.HUBSPOT_RATE_PER_10S, windowMs: 10_000, dailyBudget: config.HUBSPOT_DAILY_BUDGET },
    beatWhileWaiting,
  );
  const sageLimiter = pgRateLimiter(
    db,
    { name: 'sage', limit: config.SYNC_SAGE_RATE_PER_MINUTE, windowMs: 60_000, dailyBudget: config.SYNC_SAGE_DAILY_BUDGET },
    beatWhileWaiting,
  );
  let hubspot: HubSpotGateway | undefined;
  let sources: Record<SyncEntity, EntitySource> | undefined;
  let sageAdapter: SageSource | undefined;

  const engine = (): EngineDeps => {
    hubspot ??= createHubSpotGateway({
      baseUrl: config.HUBSPOT_BASE_URL,
      accessToken: config.HUBSPOT_ACCESS_TOKEN,
      limiter: hubLimiter,
      batchSize: config.HUBSPOT_BATCH_SIZE,
      onThrottle: (ms) => log.warn({ ms }, 'HubSpot answered 429; every worker slows down'),
    });
    if (!sources) {
      const sage = (sageAdapter = createSageBusinessCloud({ db, config, limiter: sageLimiter }));
      sources = { customer: sage.customers, quote: sage.quotes, invoice: sage.invoices, intervention: interventionsSource(db) };
    }
    return {
      db,
      hubspot,
      sources,
      overrides,
      deletionRules,
      hubspotDeletionRules,
      ...(sageAdapter?.contactPersonExists ? { contactPersonExists: (id: string) => sageAdapter!.contactPersonExists!(id) } : {}),
      heartbeat: (d) => inActivity()?.heartbeat(d),
    };
  };

  /** The engine with the field mappings in force now (a version set through the API applies from the next activity). */
  const engineNow = async (): Promise<EngineDeps> => ({ ...engine(), mappings: await currentMappings(db) });

  /** The engine plus what HubSpot -> Sage creation needs (the rule, Sage's customer upsert). */
  const creator = async (): Promise<CreateDeps> => {
    const deps = await engineNow();
    return { ...deps, rule: createRule, required: config.SYNC_SAGE_CREATE_REQUIRED, upsertCustomer: (ref, fields) => sageAdapter!.upsertCustomer(ref, fields) };
  };

  /** The engine plus what HubSpot -> Sage quotes need (the rule, the tax rate, Sage's quote upsert). */
  const quoteCreator = async (): Promise<QuoteCreateDeps> => {
    const deps = await engineNow();
    const sage = sageAdapter;
    return {
      ...deps,
      quoteRule,
      taxRate: { id: taxId, rate: Number(taxRate) },
      ...(sage?.upsertQuote ? { upsertQuote: (ref: string, fields: Record<string, unknown>) => sage.upsertQuote!(ref, fields) } : {}),
    };
  };

  return { log, createRule, quoteRule, hubLimiter, sageLimiter, engine, engineNow, creator, quoteCreator };
}

/**
 * The sync sandbox: the HubSpot and Sage stand-ins (sandbox/hubspot, sandbox/sage) on loopback,
 * Sage seeded with the demo dataset (sandbox/demo-data.ts), HubSpot empty until a sync run fills it
 * and delivering signed webhooks to the API. `env` points the real HubSpot SDK and Sage adapter at
 * them. State lives in memory: a new start is a fresh sandbox seeded the same way.
 */
import { startHubSpotFake, type HubSpotFake } from './hubspot/index.js';
import { startSageFake, type SageFake } from './sage/index.js';
import { demoCustomers, demoDocuments } from './demo-data.js';
import { startHubSpotUi, type HubSpotUi } from './hubspot-ui.js';

export const SANDBOX_HUBSPOT_TOKEN = 'pat-sandbox-atelier';
export const SANDBOX_HUBSPOT_SECRET = 'hubspot-sandbox-app-secret';

export interface SyncSandbox {
  hubspot: HubSpotFake;
  /** Edits as a person in HubSpot (sandbox/hubspot-ui.ts). */
  ui: HubSpotUi;
  sage: SageFake;
  env: Record<string, string>;
  seeded: { customers: number; quotes: number; invoices: number };
  stop(): Promise<void>;
}

/** Fills a Sage stand-in with the demo customers and their quotes and invoices. */
export function seedSage(sage: SageFake, year = new Date().getFullYear()): SyncSandbox['seeded'] {
  const seeded = { customers: 0, quotes: 0, invoices: 0 };
  demoCustomers().forEach((c, i) => {
    const contact = sage.direct.create('contacts', c.body);
    seeded.customers++;
    const docs = demoDocuments(i, year);
    for (const q of docs.quotes) {
      sage.direct.create('sales_quotes', { contact_id: contact.id, ...q });
      seeded.quotes++;
    }
    for (const inv of docs.invoices) {
      sage.direct.create('sales_invoices', { contact_id: contact.id, ...inv });
      seeded.invoices++;
    }
  });
  return seeded;
}

/** The variables that point the HubSpot SDK and the Sage adapter at these stand-ins. */
export function syncSandboxEnv(hubspot: HubSpotFake, sage: SageFake, auth: { token: string; secret: string }): Record<string, string> {
  return {
    HUBSPOT_BASE_URL: hubspot.url,
    HUBSPOT_ACCESS_TOKEN: auth.token,
    HUBSPOT_CLIENT_SECRET: auth.secret,
    SAGE_API_URL: sage.apiUrl,
    SAGE_OAUTH_URL: sage.tokenUrl,
    SAGE_CLIENT_ID: sage.clientId,
    SAGE_CLIENT_SECRET: sage.clientSecret,
    SAGE_BUSINESS_ID: sage.businessId,
    SAGE_REFRESH_TOKEN: sage.currentRefreshToken(),
  };
}

/** `webhookUrl`: where the HubSpot stand-in delivers its signed events (the API's /v1/webhooks/hubspot). */
export async function startSyncSandbox(opts: { webhookUrl?: string } = {}): Promise<SyncSandbox> {
  const hubspot = await startHubSpotFake({
    accessToken: SANDBOX_HUBSPOT_TOKEN,
    webhooks: { secret: SANDBOX_HUBSPOT_SECRET, sources: ['CRM_UI'], ...(opts.webhookUrl ? { url: opts.webhookUrl } : {}) },
  });
  const sage = await startSageFake().catch(async (err: unknown) => {
    await hubspot.close();
    throw err;
  });
  const seeded = seedSage(sage);
  const ui = await startHubSpotUi(hubspot);
  return {
    hubspot,
    ui,
    sage,
    seeded,
    env: syncSandboxEnv(hubspot, sage, { token: SANDBOX_HUBSPOT_TOKEN, secret: SANDBOX_HUBSPOT_SECRET }),
    async stop() {
      await Promise.all([ui.stop(), hubspot.close(), sage.close()]);
    },
  };
}

/**
 * The concierge saga end to end, every external system a real peer or a wire-format fake:
 * stripe-mock (Stripe API), the webhook signed with the SDK's test-header helper, the Namecheap
 * fake (XML API), the Cloudflare fake through the official SDK publishing TXT records into
 * challtestsrv, Pebble issuing a real certificate, the loopback HTTPS server serving the site,
 * Chromium checking it, the SMTP catcher receiving every email.
 *
 * One file on purpose (issue 17): the concierge world (every peer above, the worker and Chromium)
 * is the costliest setup of the suite; started once, each test runs its own order through it.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, type TestDb } from '../support/db.js';
import { ORDER, pay, placeOrder, pollOrder, signedCheckoutEvent, startConciergeWorld, type ConciergeWorld } from '../support/concierge.js';
import { textOf } from '../../core/text-of.js';

let t: TestDb;
let w: ConciergeWorld;

beforeAll(async () => {
  t = await freshDb();
  w = await startConciergeWorld(t.db, t.url, { taken: ['garage-dupont.fr'], env: { CONCIERGE_START_MONITOR: 'false' } });
});
afterAll(async () => {
  await w?.stop();
  await t?.drop();
});

const keyOf = (m: { headers: Map<string, unknown> }) => textOf(m.headers.get('x-atelier-key') ?? '');

describe('conciergeOrder end to end', () => {
  it('turns an order into a live HTTPS site: payment, registration, DNS, certificate, live check, every email', async () => {
    const domain = 'boulangerie-martin.fr';
    const orderId = await placeOrder(w, { ...ORDER, desiredDomain: domain });

    // payment link email, then a signed webhook pays
    const linkMail = (await w.mail.waitFor(1, (m) => keyOf(m) === `concierge:${orderId}:payment-link`))[0]!;
    expect(linkMail.subject).toBe(`Lien de paiement pour ${domain}`);
    expect(linkMail.html).toContain('Payer maintenant');
    const paid = await pay(w, t.db, orderId);
    expect(paid.status).toBe(200);
    expect(await paid.json()).toMatchObject({ received: true, duplicate: false, signalled: orderId });

    const result = await w.client.workflow.getHandle(orderId).result();
    expect(result).toMatchObject({ phase: 'live', registered: true, liveUrl: `https://${domain}/`, attention: null });
    const live = await pollOrder(w.call, orderId, (o) => o.phase === 'live' || o.phase === 'refunded', 90_000);
    expect(live).toMatchObject({ phase: 'live', domain, liveUrl: `https://${domain}/`, failure: null, priceCents: 59_900 });
    const phases = (live.timeline as Array<{ phase: string; at: string }>).map((e) => e.phase);
    expect(phases).toEqual([
      'received',
      'checking-domain',
      'awaiting-payment',
      'registering',
      'configuring-dns',
      'publishing',
      'issuing-certificate',
      'verifying',
      'live',
    ]);
    const times = (live.timeline as Array<{ at: string }>).map((e) => Date.parse(e.at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(live.eta).toBeNull();

    // the registrar holds the domain once, with Cloudflare's nameservers
    expect(w.namecheap.registrations(domain)).toBe(1);
    const zone = w.acme.cloudflare.zones().find((z) => z.name === domain)!;
    const owned = w.namecheap.owned().find((d) => d.domain === domain)!;
    expect(owned.nameservers.length).toBeGreaterThan(0);
    expect(owned.registrant.RegistrantEmailAddress ?? owned.registrant.EmailAddress ?? JSON.stringify(owned.registrant)).toContain('claire@client.test');
    // apex + www A records to the host, no TXT left behind
    const recs = w.acme.cloudflare.records(zone.id);
    expect(
      recs
        .filter((r) => r.type === 'A')
        .map((r) => `${r.name} ${r.content}`)
        .sort(),
    ).toEqual([`${domain} 127.0.0.1`, `www.${domain} 127.0.0.1`]);
    expect(recs.filter((r) => r.type === 'TXT')).toEqual([]);

    // the site is served over HTTPS with Pebble's certificate for the name
    const peer = await new Promise<X509Certificate>((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port: w.web.port, servername: domain, rejectUnauthorized: false }, () => {
        resolve(new X509Certificate(s.getPeerCertificate(true).raw));
        s.end();
      });
      s.on('error', reject);
    });
    expect(peer.checkHost(domain)).toBe(domain);
    expect(peer.checkHost(`www.${domain}`)).toBe(`www.${domain}`);
    const certRows = await t.db.selectFrom('concierge_certificates').selectAll().where('order_id', '=', orderId).execute();
    expect(certRows).toHaveLength(1);
    expect(new Date(peer.validTo).getTime()).toBe(certRows[0]!.not_after.getTime());

    // the screenshot is kept with the order
    const row = await t.db.selectFrom('concierge_orders').selectAll().where('id', '=', orderId).executeTakeFirstOrThrow();
    expect(row.screenshot_path).toBeTruthy();
    expect(statSync(row.screenshot_path!).size).toBeGreaterThan(1000);
    expect(readFileSync(row.screenshot_path!).subarray(1, 4).toString()).toBe('PNG');
    expect(readFileSync(join(row.site_dir!, 'index.html'), 'utf8')).toContain('<title>Boulangerie Martin</title>');

    // exactly one Checkout Session created, paid; no refund
    const payments = await t.db.selectFrom('concierge_payments').selectAll().where('order_id', '=', orderId).execute();
    expect(payments.map((p) => [p.kind, p.status, p.api_calls])).toEqual([['checkout', 'paid', 1]]);

    // every customer email, once each, in order; none to the operator
    const customer = await w.mail.waitFor(5, (m) => keyOf(m).startsWith(`concierge:${orderId}:`) && m.to.includes('claire@client.test'));
    expect(customer.map(keyOf)).toEqual(['received', 'payment-link', 'payment-received', 'in-progress', 'delivered'].map((k) => `concierge:${orderId}:${k}`));
    expect(new Set(customer.map((m) => m.messageId)).size).toBe(5);
    const delivered = customer.find((m) => keyOf(m).endsWith(':delivered'))!;
    expect(delivered.subject).toBe(`Votre site est en ligne : ${domain}`);
    expect(delivered.text).toContain(`https://${domain}/`);
    expect(w.mail.messages.filter((m) => m.to.includes('ops@atelier.test') && keyOf(m).includes(orderId))).toEqual([]);

    // the workflow's own status and search attributes
    const desc = await w.client.workflow.getHandle(orderId).describe();
    expect(desc.status.name).toBe('COMPLETED');
    const sa = Object.fromEntries(desc.typedSearchAttributes.getAll().map((p) => [p.key.name, p.value]));
    expect(sa).toMatchObject({ AtelierFamily: 'concierge', AtelierCustomer: 'claire@client.test', AtelierDomain: domain, AtelierStatus: 'live' });

    // the certificate renewal runs on, scheduled 30 days before expiry
    const renewal = w.client.workflow.getHandle(`cert-renewal-${domain}`);
    const rs = await renewal.query<{ renewAt: string; notAfter: string }>('status');
    expect(Date.parse(rs.notAfter) - Date.parse(rs.renewAt)).toBe(30 * 86_400_000);
    await renewal.terminate('test over');
  });

  it('domain taken: alternatives are emailed, the customer chooses one through the validated update, and the order goes live on it', async () => {
    const orderId = await placeOrder(w, { ...ORDER, businessName: 'Garage Dupont', contactEmail: 'paul@client.test', desiredDomain: 'garage-dupont.fr' });
    const waiting = await pollOrder(w.call, orderId, (o) => o.phase === 'awaiting-domain-choice');
    const alternatives = waiting.alternatives as string[];
    expect(alternatives.slice(0, 3)).toEqual(['garage-dupont.com', 'garage-dupont.eu', 'garage-dupont.net']);
    expect(alternatives.length).toBeLessThanOrEqual(5);
    const mail = (await w.mail.waitFor(1, (m) => keyOf(m) === `concierge:${orderId}:alternatives:1`))[0]!;
    expect(mail.to).toEqual(['paul@client.test']);
    expect(mail.subject).toBe('garage-dupont.fr n’est pas disponible : nos propositions');
    for (const a of alternatives) expect(mail.text).toContain(`  - ${a}`);

    // a name that was not proposed, or an invalid one, is refused; nothing changes
    const notProposed = await w.call(`/v1/concierge/orders/${orderId}/domain`, { method: 'POST', body: JSON.stringify({ domain: 'autre-nom.fr' }) });
    expect(notProposed.status).toBe(409);
    expect(((await notProposed.json()) as { detail: string }).detail).toContain('not one of the proposed domains');
    const invalid = await w.call(`/v1/concierge/orders/${orderId}/domain`, { method: 'POST', body: JSON.stringify({ domain: 'pas un domaine' }) });
    expect(invalid.status).toBe(422);

    const chosen = await w.call(`/v1/concierge/orders/${orderId}/domain`, { method: 'POST', body: JSON.stringify({ domain: 'Garage-Dupont.COM' }) });
    expect(chosen.status).toBe(200);
    expect(await chosen.json()).toEqual({ orderId, domain: 'garage-dupont.com' });
    const again = await w.call(`/v1/concierge/orders/${orderId}/domain`, { method: 'POST', body: JSON.stringify({ domain: 'garage-dupont.eu' }) });
    expect(again.status).toBe(409);

    expect((await pay(w, t.db, orderId)).status).toBe(200);
    await w.client.workflow.getHandle(orderId).result();
    const live = await pollOrder(w.call, orderId, (o) => o.phase === 'live' || o.phase === 'refunded', 90_000);
    expect(live).toMatchObject({ phase: 'live', desiredDomain: 'garage-dupont.fr', domain: 'garage-dupont.com', liveUrl: 'https://garage-dupont.com/' });
    expect((live.timeline as Array<{ phase: string }>).map((e) => e.phase).slice(0, 5)).toEqual([
      'received',
      'checking-domain',
      'awaiting-domain-choice',
      'checking-domain',
      'awaiting-payment',
    ]);
    expect(w.namecheap.registrations('garage-dupont.com')).toBe(1);
    expect(w.namecheap.registrations('garage-dupont.fr')).toBe(0);
    const sa = Object.fromEntries((await w.client.workflow.getHandle(orderId).describe()).typedSearchAttributes.getAll().map((p) => [p.key.name, p.value]));
    expect(sa.AtelierDomain).toBe('garage-dupont.com');
    await w.client.workflow.getHandle('cert-renewal-garage-dupont.com').terminate('test over');
  });

  it('registrar refuses after payment: exactly one refund, the customer and the operator are told', async () => {
    const domain = 'fleuriste-rose.fr';
    w.namecheap.failNext({ command: 'namecheap.domains.create', domain, number: 2033409, message: 'Possible fraud: registrant refused' });
    const orderId = await placeOrder(w, { ...ORDER, businessName: 'Fleuriste Rose', contactEmail: 'rose@client.test', desiredDomain: domain });
    expect((await pay(w, t.db, orderId)).status).toBe(200);
    const done = await pollOrder(w.call, orderId, (o) => o.phase === 'refunded' || o.phase === 'live', 60_000);
    expect(done.phase).toBe('refunded');
    expect(String(done.failure)).toContain('Possible fraud');
    expect(w.namecheap.registrations(domain)).toBe(0);

    const payments = await t.db.selectFrom('concierge_payments').selectAll().where('order_id', '=', orderId).orderBy('id').execute();
    expect(payments.map((p) => [p.kind, p.status, p.api_calls])).toEqual([
      ['checkout', 'refunded', 1],
      ['refund', expect.any(String), 1],
    ]);
    expect(payments[1]!.provider_id).toMatch(/^re_/);
    expect(payments[1]!.amount_cents).toBe(59_900);

    const customer = await w.mail.waitFor(5, (m) => keyOf(m).startsWith(`concierge:${orderId}:`) && m.to.includes('rose@client.test'));
    expect(customer.map(keyOf)).toEqual(['received', 'payment-link', 'payment-received', 'failed', 'refunded'].map((k) => `concierge:${orderId}:${k}`));
    expect(customer[4]!.text).toMatch(/599,00\s€/);
    // the customer is told what happened in plain words; the registrar's own message is for the operator
    expect(customer[3]!.text).toContain("le registre n'a pas accepté");
    expect(customer.map((m) => `${m.subject}\n${m.text}\n${m.html}`).join('\n')).not.toContain('Possible fraud');
    const ops = await w.mail.waitFor(1, (m) => keyOf(m) === `concierge:${orderId}:operator-alert:refunded`);
    expect(ops[0]!.to).toEqual(['ops@atelier.test']);
    expect(ops[0]!.text).toContain('Possible fraud');
    expect(await w.client.workflow.getHandle(orderId).result()).toMatchObject({ phase: 'refunded', registered: false });
  });

  it('no payment within the window: the Checkout Session is expired and the order cancelled, with an email', async () => {
    const { createApp } = await import('../../api/app.js');
    const { silentLogger, TEST_API_KEY } = await import('../support/platform.js');
    const shortApp = createApp({ config: w.configWith({ CONCIERGE_PAYMENT_WINDOW_SECONDS: '3' }), db: t.db, temporal: w.client, logger: silentLogger });
    const res = await shortApp.request('/v1/concierge/orders', {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...ORDER, contactEmail: 'late@client.test', desiredDomain: 'cafe-lent.fr' }),
    });
    expect(res.status).toBe(202);
    const { orderId } = (await res.json()) as { orderId: string };
    const done = await pollOrder(w.call, orderId, (o) => o.phase === 'expired', 30_000);
    expect(done.failure).toBe('paiement non reçu dans le délai');
    const payments = await t.db.selectFrom('concierge_payments').selectAll().where('order_id', '=', orderId).orderBy('id').execute();
    expect(payments.map((p) => [p.kind, p.status, p.api_calls])).toEqual([
      ['checkout', 'expired', 1],
      ['expire', 'done', 1],
    ]);
    const mails = await w.mail.waitFor(3, (m) => keyOf(m).startsWith(`concierge:${orderId}:`));
    expect(mails.map(keyOf)).toEqual(['received', 'payment-link', 'cancelled'].map((k) => `concierge:${orderId}:${k}`));
    expect(mails[2]!.subject).toBe('Commande annulée : cafe-lent.fr');
    expect(mails[2]!.text).toContain('paiement non reçu dans le délai');
    expect(w.namecheap.registrations('cafe-lent.fr')).toBe(0);

    // a payment that arrives after the expiry finds the order no longer awaiting it: recorded,
    // acknowledged, nothing signalled.
    // The `expired` phase is visible one activity and one workflow task before the run completes, so
    // wait for the run itself to end first (else the late webhook may still reach the open run).
    await w.client.workflow
      .getHandle(orderId)
      .result()
      .catch(() => undefined);
    const { payload, header } = signedCheckoutEvent({ orderId, sessionId: payments[0]!.provider_id! });
    const late = await w.call('/v1/webhooks/stripe', { method: 'POST', body: payload, headers: { 'stripe-signature': header }, key: null });
    expect(late.status).toBe(200);
    expect(await late.json()).toMatchObject({ duplicate: false, signalled: null, ignored: 'the order is expired, not awaiting payment' });
    const recorded = await t.db
      .selectFrom('webhook_events')
      .select(['outcome', 'target'])
      .where('provider', '=', 'stripe')
      .where('target', '=', orderId)
      .execute();
    expect(recorded).toEqual([{ outcome: 'ignored', target: orderId }]);
  });

  it('after the point of no return a failing step alerts the operator once and is retried until it passes; the SLA alert fires before the deadline', async () => {
    const { createApp } = await import('../../api/app.js');
    const { silentLogger, TEST_API_KEY } = await import('../support/platform.js');
    // a 3.6 s SLA with the alert at 30 %: it fires while the DNS step is failing
    const slaApp = createApp({
      config: w.configWith({ CONCIERGE_SLA_HOURS: '0.001', CONCIERGE_SLA_ALERT_RATIO: '0.3', CONCIERGE_START_MONITOR: 'true' }),
      db: t.db,
      temporal: w.client,
      logger: silentLogger,
    });
    const domain = 'plombier-express.fr';
    const res = await slaApp.request('/v1/concierge/orders', {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...ORDER, businessName: 'Plombier Express', contactEmail: 'leo@client.test', desiredDomain: domain, urgent: false }),
    });
    const { orderId } = (await res.json()) as { orderId: string };
    await pollOrder(w.call, orderId, (o) => o.phase === 'awaiting-payment');
    // Cloudflare refuses the first DNS record call (a 4xx: not retried by the activity)
    w.acme.cloudflare.failNext({ status: 400, count: 1, path: /dns_records/ });
    expect((await pay(w, t.db, orderId)).status).toBe(200);

    const stuck = await pollOrder(w.call, orderId, (o) => o.attention !== null, 30_000);
    expect(stuck.phase).toBe('configuring-dns');
    expect(String(stuck.attention)).toMatch(/^dns: /);
    expect(stuck.sla).toMatchObject({ deadline: expect.any(String), alertAt: expect.any(String) });

    const result = await w.client.workflow.getHandle(orderId).result();
    expect(result).toMatchObject({ phase: 'live', attention: null });
    expect(w.namecheap.registrations(domain)).toBe(1);
    const ops = w.mail.messages.filter((m) => keyOf(m).startsWith(`concierge:${orderId}:operator-alert`));
    expect(ops.map(keyOf).sort()).toEqual([`concierge:${orderId}:operator-alert:sla`, `concierge:${orderId}:operator-alert:step-dns`]);
    expect(ops.every((m) => m.to.includes('ops@atelier.test'))).toBe(true);
    expect(ops.find((m) => keyOf(m).endsWith(':sla'))!.subject).toContain('SLA bientôt dépassé');
    // no refund after the point of no return
    const refunds = await t.db.selectFrom('concierge_payments').selectAll().where('order_id', '=', orderId).where('kind', '=', 'refund').execute();
    expect(refunds).toEqual([]);
    await w.client.workflow.getHandle(`cert-renewal-${domain}`).terminate('test over');

    // the live site is handed to the monitor sweeps: an active, due monitors row, no siteMonitor workflow of its own
    expect(result.monitorId).toBe(`monitor-${domain}`);
    const row = await t.db.selectFrom('monitors').selectAll().where('id', '=', result.monitorId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      url: `https://${domain}/`,
      alert_email: 'leo@client.test',
      language: 'fr',
      deleted_at: null,
      paused: false,
      lease_owner: null,
    });
    expect(row.next_check_at.getTime()).toBeLessThanOrEqual(Date.now());
    await expect(w.client.workflow.getHandle(result.monitorId).describe()).rejects.toThrow(/not found/i);
  });

  it('a provider refusing before the payment cancels the order (nothing charged) and alerts the operator', async () => {
    const domain = 'opticien-vue.fr';
    w.namecheap.failNext({ command: 'namecheap.domains.check', domain, number: 2011170, message: 'Validation error from the registry' });
    const orderId = await placeOrder(w, { ...ORDER, businessName: 'Opticien Vue', contactEmail: 'ines@client.test', desiredDomain: domain });
    const result = await w.client.workflow.getHandle(orderId).result();
    expect(result).toMatchObject({ phase: 'cancelled', registered: false, checkoutUrl: null });
    expect(String(result.failure)).toContain('Validation error from the registry');
    expect(await t.db.selectFrom('concierge_payments').selectAll().where('order_id', '=', orderId).execute()).toEqual([]);
    const mails = await w.mail.waitFor(3, (m) => keyOf(m).startsWith(`concierge:${orderId}:`));
    expect(mails.map(keyOf).sort()).toEqual([
      `concierge:${orderId}:cancelled`,
      `concierge:${orderId}:operator-alert:failed-before-payment`,
      `concierge:${orderId}:received`,
    ]);
  });
});

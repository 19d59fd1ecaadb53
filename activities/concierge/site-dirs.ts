/** Where an order's files live under CONCIERGE_DATA_DIR: the extracted upload, the rendered template, the screenshot. */
import { join, resolve } from 'node:path';
import type { Config } from '../../core/config.js';

export function siteDirs(config: Pick<Config, 'CONCIERGE_DATA_DIR'>, orderId: string) {
  const root = resolve(config.CONCIERGE_DATA_DIR);
  return { uploads: join(root, 'uploads', orderId), rendered: join(root, 'sites', orderId), screenshot: join(root, 'screenshots', `${orderId}.png`) };
}

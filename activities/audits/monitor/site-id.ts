/**
 * One monitor per site: the workflow id is derived from the normalized URL, so two requests for the
 * same site (whatever the path, case or default port) land on the same workflow.
 */

/** `https://WWW.Example.com:443/x` -> `monitor-www.example.com`; `http://127.0.0.1:8080/` -> `monitor-127.0.0.1-8080`. */
export function monitorIdFor(url: URL): string {
  const host = url.hostname
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .replace(/:/g, '_')
    .replace(/[^a-z0-9._-]/g, '-');
  return url.port ? `monitor-${host}-${url.port}` : `monitor-${host}`;
}

/** The URL a monitor checks: as given, without its fragment. */
export function normalizeMonitorUrl(url: URL): string {
  const u = new URL(url.href);
  u.hash = '';
  return u.href;
}

export const MONITOR_ID_PATTERN = /^monitor-[a-z0-9._-]+$/;

/**
 * Which methods a path accepts, from the app's own route table: a known path asked with another
 * method (TRACE, PROPFIND, PUT...) answers 405 with an `Allow` header, an unknown path 404.
 */

interface RouteLike {
  method: string;
  path: string;
}

function patternOf(path: string): RegExp {
  const body = path
    .split('/')
    .map((seg) => {
      if (seg === '*') return '.*';
      if (seg.startsWith(':')) return '[^/]+';
      return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return new RegExp(`^${body}/?$`);
}

/** Returns `allowed(path)`: the sorted methods of the routes matching `path` (HEAD with GET), or []. */
export function allowedMethodsFrom(routes: readonly RouteLike[]) {
  const table = routes.filter((r) => r.method !== 'ALL').map((r) => ({ method: r.method.toUpperCase(), re: patternOf(r.path) }));
  return (path: string): string[] => {
    const methods = new Set(table.filter((r) => r.re.test(path)).map((r) => r.method));
    if (methods.has('GET')) methods.add('HEAD');
    if (methods.size) methods.add('OPTIONS');
    return [...methods].sort();
  };
}

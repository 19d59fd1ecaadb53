/** Site format detection (WordPress, Wix, Shopify, generic) and "this page needs a browser" signals. */
import type { CheerioAPI } from 'cheerio';
import type { SiteFormat } from './types.js';

function header(headers: Record<string, string> | undefined, name: string): string {
  if (!headers) return '';
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name) return String(v).toLowerCase();
  return '';
}

/** WordPress / Wix / Shopify from response headers, generator tags and asset URLs; else generic. */
export function detectFormat(html: string, url: string, headers?: Record<string, string>): SiteFormat {
  const h = (n: string): string => header(headers, n);
  const head = html.length > 400_000 ? html.slice(0, 400_000) : html;
  if (
    h('x-shopid') ||
    h('x-shopify-stage') ||
    h('powered-by').includes('shopify') ||
    /cdn\.shopify\.com|Shopify\.theme|window\.Shopify|myshopify\.com|shopify-digital-wallet/i.test(head) ||
    /\.myshopify\.com$/i.test(safeHost(url))
  )
    return 'shopify';
  if (
    h('x-wix-request-id') ||
    h('server').includes('pepyaka') ||
    h('x-wix-renderer-server') ||
    /<meta[^>]+name=["']generator["'][^>]+content=["']Wix\.com|static\.wixstatic\.com|static\.parastorage\.com|wix-thunderbolt|wixui-|data-testid="richTextElement"/i.test(
      head,
    ) ||
    /\.wixsite\.com$/i.test(safeHost(url))
  )
    return 'wix';
  if (
    /rel="https:\/\/api\.w\.org\/"/.test(h('link')) ||
    h('x-powered-by').includes('wp engine') ||
    h('x-pingback').includes('xmlrpc.php') ||
    /<meta[^>]+name=["']generator["'][^>]+content=["']WordPress|\/wp-content\/|\/wp-includes\/|\/wp-json\//i.test(head)
  )
    return 'wordpress';
  return 'generic';
}

function safeHost(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

const NOSCRIPT_HINT =
  /(enable|activer|activez|autoriser)\s+(le\s+|the\s+)?javascript|javascript (is )?(required|disabled|désactivé|necessaire|nécessaire)|need to enable javascript|requires javascript/i;

/**
 * True when the page is an application shell whose content a browser would render: little visible
 * text plus an empty mount point, a noscript warning, Next.js / Nuxt data without rendered content,
 * or a Wix thunderbolt page that rendered nothing.
 */
export function looksJsRendered($: CheerioAPI, html: string, visibleTextLength: number, listingsFound: number): boolean {
  if (listingsFound > 0) return false;
  const thin = visibleTextLength < 400;
  const emptyMount = ['#root', '#app', '#__next', '#__nuxt', '#svelte', '[data-reactroot]', 'app-root', '#main-app', '[ng-app]', '[data-server-rendered]'].some(
    (sel) => {
      const el = $(sel);
      return el.length > 0 && el.text().trim().length < 50;
    },
  );
  const noscript = NOSCRIPT_HINT.test($('noscript').text());
  const scripts = $('script[src]').length;
  const nextData = /id="__NEXT_DATA__"|window\.__NUXT__|window\.__INITIAL_STATE__|window\.__APOLLO_STATE__/.test(html);
  const wixShell = /wix-thunderbolt|static\.parastorage\.com\/services\/wix-thunderbolt/i.test(html);
  if (thin && (emptyMount || noscript)) return true;
  if (thin && (nextData || wixShell)) return true;
  if (thin && scripts >= 3 && visibleTextLength < 150) return true;
  return false;
}

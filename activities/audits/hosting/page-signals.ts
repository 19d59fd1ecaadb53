/**
 * What a page says about where it is hosted, kept small enough to travel in workflow history:
 * its title, the host names its links and assets point at, the control-panel paths it uses
 * (cPanel's `/cgi-sys/…`, Plesk's default page), whether it is a host's default / parking /
 * suspended page, and a short excerpt of its visible text. Pure.
 */
import * as cheerio from 'cheerio';

export interface PageSignals {
  title: string | null;
  /** Host names of links, scripts, images and forms (lower-case, unique, at most 60). */
  hosts: string[];
  /** Control-panel paths seen in the page: `/cgi-sys/defaultwebpage.cgi`, `/cgi-sys/suspendedpage.cgi`, … */
  panelPaths: string[];
  /** A host's default, parking, "coming soon" or suspended page rather than the site's own. */
  defaultPage: boolean;
  /** The visible text, whitespace folded, first 1 500 characters. */
  text: string;
}

const PANEL_PATH = /\/(?:cgi-sys\/[\w.-]+|__cpanel__[\w./-]*|cpanel(?:webmail)?\b|plesk-stat\/?|hpanel\b)/gi;
const DEFAULT_PAGE = [
  /default web ?site page/i,
  /\/cgi-sys\/(?:defaultwebpage|suspendedpage)\.cgi/i,
  /future home of something quite cool/i,
  /site (?:en construction|suspendu|temporairement (?:indisponible|suspendu))/i,
  /this (?:account|site|website) (?:has been suspended|is (?:temporarily )?(?:unavailable|suspended))/i,
  /(?:website|site) (?:is )?coming soon/i,
  /domain (?:is )?parked|parked (?:domain|free)/i,
  /web server'?s default page|plesk.{0,40}default page|default page.{0,40}plesk/i,
  /^index of \//i,
];

const MAX_HOSTS = 60;
const MAX_TEXT = 1500;

export function extractPageSignals(html: string): PageSignals {
  const $ = cheerio.load(html.slice(0, 512 * 1024));
  const title = $('title').first().text().trim().replace(/\s+/g, ' ').slice(0, 200) || null;
  const hosts = new Set<string>();
  $('[href], [src], [action]').each((_, el) => {
    if (hosts.size >= MAX_HOSTS) return;
    const attrs = (el as { attribs?: Record<string, string> }).attribs ?? {};
    for (const v of [attrs.href, attrs.src, attrs.action]) {
      const m = v ? /^(?:https?:)?\/\/([^/:?#\s]+)/i.exec(v.trim()) : null;
      if (m) hosts.add(m[1]!.toLowerCase());
    }
  });
  $('script, style, noscript').remove();
  const text = $('body').text().replace(/\s+/g, ' ').trim().slice(0, MAX_TEXT);
  const panelPaths = [...new Set([...html.matchAll(PANEL_PATH)].map((m) => m[0].toLowerCase()))].slice(0, 10);
  const probe = `${title ?? ''}\n${text}\n${panelPaths.join(' ')}`;
  return { title, hosts: [...hosts], panelPaths, defaultPage: DEFAULT_PAGE.some((re) => re.test(probe)), text };
}

import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../core/config.js';
import { taskQueueFor } from '../../core/temporal.js';

const base = { DATABASE_URL: 'postgres://u@127.0.0.1:5432/db' };

describe('loadConfig', () => {
  it('applies the defaults', () => {
    const c = loadConfig(base);
    expect(c.TEMPORAL_ADDRESS).toBe('127.0.0.1:7233');
    expect(c.API_PORT).toBe(3000);
    expect(c.API_KEYS).toEqual([]);
    expect(c.WORKER_QUEUES).toEqual([]);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('parses lists and numbers', () => {
    const c = loadConfig({ ...base, API_KEYS: ' aaaaaaaaaaaaaaaa , bbbbbbbbbbbbbbbb ', WORKER_QUEUES: 'audits,sync', API_PORT: '8080' });
    expect(c.API_KEYS).toEqual(['aaaaaaaaaaaaaaaa', 'bbbbbbbbbbbbbbbb']);
    expect(c.WORKER_QUEUES).toEqual(['audits', 'sync']);
    expect(c.API_PORT).toBe(8080);
  });

  it('names every invalid variable at once', () => {
    let error: unknown;
    try {
      loadConfig({ DATABASE_URL: 'not a url', API_KEYS: 'short', WORKER_QUEUES: 'audits,nope', API_PORT: '99999' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).issues.join('\n');
    expect(issues).toMatch(/DATABASE_URL/);
    expect(issues).toMatch(/API_KEYS/);
    expect(issues).toMatch(/WORKER_QUEUES/);
    expect(issues).toMatch(/API_PORT/);
  });

  it('requires DATABASE_URL', () => {
    expect(() => loadConfig({})).toThrow(/DATABASE_URL/);
  });

  it('builds versioned task queue names with the configured prefix', () => {
    expect(taskQueueFor('audits')).toBe('atelier-audits-v1');
    expect(taskQueueFor('sync', 'tabc')).toBe('tabc-sync-v1');
  });
});

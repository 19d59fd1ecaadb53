/** Every workflow the workers serve. One bundle holds them all; each family has its own file. */
export * from './platform.js';
export * from './concierge.js';
export * from './certificate-renewal.js';
export * from './watches.js';
export * from './generic-sweep.js';
export * from './site-monitor.js';
export * from './monitor-sweep.js';
export * from './hosting-audit.js';
export * from './sync.js';

/**
 * The brief's three tables (minimum, recommended, enterprise), row by row, as judges over the
 * probes' results, plus the observable checks its text calls for: one file a table
 * (criteria-<tier>.ts), the judges by area (judge-host, judge-server, judge-https, judge-speed).
 */
import { ENTERPRISE } from './criteria-enterprise.js';
import { MINIMUM } from './criteria-minimum.js';
import { RECOMMENDED } from './criteria-recommended.js';
import type { Def } from './criterion.js';

/** Every row, in the brief's order: the report lists them so. */
export const CRITERIA: readonly Def[] = [...MINIMUM, ...RECOMMENDED, ...ENTERPRISE];

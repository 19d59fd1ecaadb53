/** One row of the rubric's tables: what the brief expects, and the judge that reads the probes' results for it. */
import { ASK_HOST, unknown, type Ctx, type Judge, type Tier } from './rubric-types.js';
import type { Text } from './text.js';

export const unobservable = (): Judge => unknown(ASK_HOST);

export interface Def {
  id: string;
  tier: Tier;
  label: Text;
  expected: Text;
  observable: boolean;
  required: boolean;
  blocking?: false;
  judge: (ctx: Ctx) => Judge;
}

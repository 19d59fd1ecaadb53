/** The rate limits of the HubSpot and Sage stand-ins. */
/** A rolling-window counter: at most `max` accepted events in any `windowMs`. */
export class RollingWindow {
  private hits: number[] = [];
  constructor(
    public max: number,
    public windowMs: number,
  ) {}

  private prune(now: number) {
    const floor = now - this.windowMs;
    let i = 0;
    while (i < this.hits.length && this.hits[i]! <= floor) i++;
    if (i > 0) this.hits.splice(0, i);
  }

  /** Records a hit and returns 0 when allowed; otherwise the milliseconds until a slot frees. */
  take(now: number): number {
    this.prune(now);
    if (this.hits.length >= this.max) return Math.max(1, this.hits[0]! + this.windowMs - now);
    this.hits.push(now);
    return 0;
  }

  remaining(now: number): number {
    this.prune(now);
    return Math.max(0, this.max - this.hits.length);
  }
}

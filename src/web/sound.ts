/**
 * Optional alert sound for high and critical events: a short WebAudio beep, at most one per
 * second, off by default. Browsers allow audio only after a user gesture, so `enable` is called
 * from a click.
 */
export class Beeper {
  private ctx: AudioContext | null = null;
  private last = 0;
  enabled = false;

  /** Turns sound on (creates the audio context; call from a user gesture). */
  enable(): boolean {
    try {
      this.ctx ??= new AudioContext();
      void this.ctx.resume();
      this.enabled = true;
    } catch { this.enabled = false; }
    return this.enabled;
  }

  disable(): void { this.enabled = false; }

  /** One beep if enabled and the last was over `minGapMs` (default 1000) ago; critical is higher. */
  beep(critical: boolean, now = performance.now(), minGapMs = 1000): void {
    if (!this.enabled || !this.ctx || now - this.last < minGapMs) return;
    this.last = now;
    const t = this.ctx.currentTime;
    const osc = this.ctx.createOscillator();
    const gain = this.ctx.createGain();
    osc.frequency.value = critical ? 1320 : 880;
    gain.gain.setValueAtTime(0.0001, t);
    gain.gain.exponentialRampToValueAtTime(0.15, t + 0.01);
    gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.15);
    osc.connect(gain).connect(this.ctx.destination);
    osc.start(t);
    osc.stop(t + 0.16);
  }
}

/**
 * The `syslog` source: a UDP or TCP listener for sensors that forward their logs by syslog
 * (sshd via rsyslog, kernel firewall logs, Suricata's syslog output). The syslog envelope
 * (`<PRI>`, header) is left to the parsers; the source only frames messages and notes the peer.
 *
 * Bounds: one message is at most maxLineBytes (cut and flagged beyond); at most
 * maxConnections TCP peers; at most maxQueued messages wait for the pipeline. Beyond that UDP
 * datagrams are dropped and counted (UDP has no back-pressure), while TCP sockets are paused
 * until the queue drains, so TCP senders are slowed down rather than losing messages.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import { isIP } from 'node:net';
import type { FramedRecord } from '../framing.js';
import type { Source, SourceConfigBase, SourceContext, SourceType } from '../types.js';
import { DEFAULT_MAX_MESSAGE_BYTES, SyslogStreamFramer, cutUtf8 } from './stream-framer.js';

export const DEFAULT_MAX_CONNECTIONS = 256;
export const DEFAULT_MAX_QUEUED = 20_000;
/** Messages are collected for this long (ms) before one submit per peer. */
const BATCH_MS = 10;
/** Most messages in one submitRecords call. */
const MAX_BATCH = 2000;

export interface SyslogOptions {
  protocol: 'udp' | 'tcp';
  host: string;
  port: number;
  maxLineBytes: number;
  maxConnections: number;
  maxQueued: number;
}

function readOptions(config: SourceConfigBase): SyslogOptions {
  return {
    protocol: (config.protocol as 'udp' | 'tcp' | undefined) ?? 'udp',
    host: (config.host as string | undefined) ?? '127.0.0.1',
    port: config.port as number,
    maxLineBytes: (config.maxLineBytes as number | undefined) ?? DEFAULT_MAX_MESSAGE_BYTES,
    maxConnections: (config.maxConnections as number | undefined) ?? DEFAULT_MAX_CONNECTIONS,
    maxQueued: (config.maxQueued as number | undefined) ?? DEFAULT_MAX_QUEUED,
  };
}

function trimEnd(text: string): string {
  return text.replace(/[\r\n\0]+$/, '');
}

export class SyslogSource implements Source {
  readonly opts: SyslogOptions;
  private udp: UdpSocket | null = null;
  private tcp: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private readonly paused = new Set<Socket>();
  /** Waiting messages grouped by peer (the origin of a submit is one peer). */
  private queue = new Map<string, FramedRecord[]>();
  private queued = 0;
  private flushTimer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private received = 0;
  private errors = 0;
  private dropped = 0;
  private truncated = 0;
  private lastRecordAt: string | null = null;
  private seq = 0;

  constructor(readonly name: string, config: SourceConfigBase, private readonly ctx: SourceContext) {
    this.opts = readOptions(config);
  }

  /** The bound address once started (port 0 in the config picks a free port). */
  address(): { address: string; port: number } | null {
    const a = this.udp ? this.udp.address() : this.tcp?.address();
    return a && typeof a === 'object' ? { address: a.address, port: a.port } : null;
  }

  async start(): Promise<void> {
    if (this.opts.protocol === 'udp') await this.startUdp();
    else await this.startTcp();
    const a = this.address();
    this.ctx.log('info', 'syslog listening', { protocol: this.opts.protocol, host: a?.address, port: a?.port });
  }

  private startUdp(): Promise<void> {
    const sock = createSocket({ type: isIP(this.opts.host) === 6 ? 'udp6' : 'udp4', recvBufferSize: 4 * 1024 * 1024 });
    this.udp = sock;
    sock.on('message', (msg, rinfo) => {
      const peer = `udp://${rinfo.family === 'IPv6' ? `[${rinfo.address}]` : rinfo.address}:${rinfo.port}`;
      if (this.queued >= this.opts.maxQueued) {
        this.dropped += 1;
        return;
      }
      const truncated = msg.length > this.opts.maxLineBytes;
      const text = trimEnd(cutUtf8(msg, this.opts.maxLineBytes));
      if (text.length === 0 && !truncated) return;
      this.enqueue(peer, text, truncated);
    });
    sock.on('error', (err) => {
      this.errors += 1;
      this.ctx.log('error', 'syslog udp socket error', { error: String(err) });
    });
    return new Promise((resolve, reject) => {
      sock.once('error', reject);
      sock.bind(this.opts.port, this.opts.host, () => {
        sock.off('error', reject);
        resolve();
      });
    });
  }

  private startTcp(): Promise<void> {
    const server = createServer({ noDelay: true, keepAlive: true }, (socket) => this.onConnection(socket));
    server.maxConnections = this.opts.maxConnections;
    server.on('drop', () => {
      this.dropped += 1;
      this.warnLimited('syslog connection refused: maxConnections reached');
    });
    this.tcp = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port, this.opts.host, () => {
        server.off('error', reject);
        server.on('error', (err) => {
          this.errors += 1;
          this.ctx.log('error', 'syslog tcp server error', { error: String(err) });
        });
        resolve();
      });
    });
  }

  private onConnection(socket: Socket): void {
    const peer = `tcp://${socket.remoteFamily === 'IPv6' ? `[${socket.remoteAddress}]` : socket.remoteAddress}:${socket.remotePort}`;
    const framer = new SyslogStreamFramer(this.opts.maxLineBytes);
    this.sockets.add(socket);
    socket.on('data', (chunk: Buffer) => {
      for (const m of framer.push(chunk)) this.enqueue(peer, m.text, m.truncated);
      if (this.queued >= this.opts.maxQueued) {
        socket.pause();
        this.paused.add(socket);
      }
    });
    socket.on('end', () => {
      for (const m of framer.end()) this.enqueue(peer, m.text, m.truncated);
      socket.end();
    });
    socket.on('error', () => { /* a peer reset; 'close' follows */ });
    socket.on('close', () => {
      this.sockets.delete(socket);
      this.paused.delete(socket);
    });
  }

  private enqueue(peer: string, text: string, truncated: boolean): void {
    if (truncated) this.truncated += 1;
    let list = this.queue.get(peer);
    if (!list) {
      list = [];
      this.queue.set(peer, list);
    }
    list.push({ text, truncated, line: ++this.seq });
    this.queued += 1;
    this.received += 1;
    if (!this.flushTimer && !this.flushing) this.flushTimer = setTimeout(() => this.flush(), BATCH_MS);
  }

  private flush(): void {
    this.flushTimer = null;
    if (this.flushing) return;
    this.flushing = this.drain().finally(() => {
      this.flushing = null;
      if (this.queued > 0 && !this.flushTimer) this.flushTimer = setTimeout(() => this.flush(), 0);
    });
  }

  private async drain(): Promise<void> {
    while (this.queued > 0) {
      const batch = this.queue;
      this.queue = new Map();
      this.queued = 0;
      for (const s of this.paused) s.resume();
      this.paused.clear();
      for (const [peer, records] of batch) {
        for (let i = 0; i < records.length; i += MAX_BATCH) {
          const part = records.slice(i, i + MAX_BATCH);
          try {
            await this.ctx.submitRecords(part, { source: this.name, position: peer });
            this.lastRecordAt = this.ctx.now().toISOString();
          } catch (err) {
            this.errors += 1;
            this.warnLimited('syslog messages not stored', { peer, count: part.length, error: String(err) });
          }
        }
      }
    }
  }

  private lastWarn = 0;
  private warnLimited(message: string, fields?: Record<string, unknown>): void {
    const now = Date.now();
    if (now - this.lastWarn < 10_000) return;
    this.lastWarn = now;
    this.ctx.log('warn', message, { dropped: this.dropped, ...fields });
  }

  async stop(): Promise<void> {
    if (this.udp) {
      const u = this.udp;
      this.udp = null;
      await new Promise<void>((r) => u.close(() => r()));
    }
    if (this.tcp) {
      const server = this.tcp;
      this.tcp = null;
      const closed = new Promise<void>((r) => server.close(() => r()));
      for (const s of this.sockets) s.destroy();
      await closed;
    }
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    if (this.flushing) await this.flushing;
    if (this.queued > 0) await this.drain();
  }

  stats() {
    return { received: this.received, lastRecordAt: this.lastRecordAt, errors: this.errors };
  }

  /** Counters beyond the common ones: messages dropped at the bounds, messages cut. */
  counters() {
    return { dropped: this.dropped, truncated: this.truncated };
  }
}

function intIn(v: unknown, min: number, max: number): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
}

export const syslogSourceType: SourceType = {
  type: 'syslog',
  check(config) {
    if (config.protocol !== undefined && config.protocol !== 'udp' && config.protocol !== 'tcp') return "protocol: must be 'udp' or 'tcp'";
    if (config.host !== undefined && (typeof config.host !== 'string' || isIP(config.host) === 0)) return 'host: must be an IP address to listen on (127.0.0.1, 0.0.0.0, ::)';
    if (!intIn(config.port, 0, 65535)) return 'port: required, an integer from 0 to 65535 (514 is the syslog default)';
    if (config.format === undefined) return 'format: a syslog source needs the format of its messages (e.g. sshd, iptables)';
    if (config.maxLineBytes !== undefined && !intIn(config.maxLineBytes, 256, 16 * 1024 * 1024)) return 'maxLineBytes: must be an integer from 256 to 16777216';
    if (config.maxConnections !== undefined && !intIn(config.maxConnections, 1, 100_000)) return 'maxConnections: must be an integer from 1 to 100000';
    if (config.maxQueued !== undefined && !intIn(config.maxQueued, 100, 10_000_000)) return 'maxQueued: must be an integer from 100 to 10000000';
    return null;
  },
  create: (config, ctx) => new SyslogSource(config.name, config, ctx),
};

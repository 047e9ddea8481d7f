#!/usr/bin/env node
// A lean SSE fan-out harness: N stream clients spread over K child processes on raw sockets, one
// poster in this process, server CPU/RSS from /proc. Built so that the harness stays cheaper than
// the server it measures on a small shared machine.
//
//   node bench/fanout/lean.mjs --url http://127.0.0.1:5090 --clients 10000 --rate 100 --seconds 20 \
//       [--batch N] [--procs K] [--sample-every 20] [--pid SERVER_PID] [--stall S] [--timeline]
//       [--view public|analyst] [--token bench-token] [--label TEXT]
//
// Every client counts the event markers in its raw bytes (Buffer.indexOf, no decoding); one client
// in `--sample-every` also de-chunks HTTP, splits SSE messages, JSON.parses every data line, checks
// each marker once (duplicates), and records receive time minus the send time carried in the
// marker. Each event's marker rides in `rule.id` (kept by the public view, not a rollup key):
// `bm<run>-<seq>-<send epoch ms>`. Prints one JSON line. Stops by itself: connect <= 90 s, load +
// drain (10 s) + 30 s. Loopback only.
import { fork } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { loadavg, setPriority } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const OPTS = {
  url: 'http://127.0.0.1:5090', clients: '100', rate: '100', seconds: '20', batch: '', procs: '',
  'sample-every': '50', pid: '', stall: '0', timeline: false, view: '', token: 'bench-token', label: '',
  ramp: '250', drain: '10', warmup: '0', count: 'frames', nice: '10', 'max-inflight': '64', 'connect-timeout': '90', 'run-id': '',
};

function parseArgs(argv) {
  const o = { ...OPTS };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i].replace(/^--/, '');
    if (!(key in OPTS)) throw new Error(`unknown option ${argv[i]}`);
    if (typeof OPTS[key] === 'boolean') o[key] = true; else o[key] = argv[++i];
  }
  return o;
}

// ---- latency histogram: 0.1 ms steps to 100 ms, 1 ms to 10 s, 100 ms to 600 s --------------------
const H_SIZE = 1000 + 9900 + 5900;
function hIndex(ms) {
  if (ms < 0) ms = 0;
  if (ms < 100) return Math.floor(ms * 10);
  if (ms < 10_000) return 1000 + Math.floor(ms - 100);
  return Math.min(H_SIZE - 1, 10_900 + Math.floor((ms - 10_000) / 100));
}
function hValue(i) {
  if (i < 1000) return i / 10;
  if (i < 10_900) return 100 + (i - 1000);
  return 10_000 + (i - 10_900) * 100;
}
function hQuantiles(h, n) {
  const out = {};
  if (n === 0) return { p50: null, p90: null, p99: null };
  for (const [k, q] of [['p50', 0.5], ['p90', 0.9], ['p99', 0.99]]) {
    const want = Math.ceil(q * n);
    let acc = 0;
    for (let i = 0; i < h.length; i++) { acc += h[i]; if (acc >= want) { out[k] = Math.round(hValue(i) * 10) / 10; break; } }
  }
  return out;
}

// ---- /proc -------------------------------------------------------------------------------------
const TICK = 100; // USER_HZ on Linux
function procStat(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    // fields after the name: state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14) ... rss(21)
    const own = Number(f[11]) + Number(f[12]);
    return { ppid: Number(f[1]), own, cpu: own + Number(f[13]) + Number(f[14]), rssPages: Number(f[21]) };
  } catch { return null; }
}
/** CPU jiffies and RSS bytes of pid and all its descendants. */
function treeStat(pid) {
  const kids = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const st = procStat(d);
    if (st) { const a = kids.get(st.ppid) ?? []; a.push(Number(d)); kids.set(st.ppid, a); }
  }
  let cpu = 0, rss = 0;
  const stack = [Number(pid)];
  while (stack.length) {
    const p = stack.pop();
    const st = procStat(p);
    if (!st) continue;
    cpu += st.cpu; rss += st.rssPages * 4096;
    for (const k of kids.get(p) ?? []) stack.push(k);
  }
  return { cpu, rss };
}
function machineJiffies() {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = f[3] + (f[4] || 0);
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

// ==== worker: holds a share of the clients ==========================================================
function worker() {
  let clients = [];
  let marker = Buffer.alloc(0);
  let markerText = '';
  const gapMark = Buffer.from('event: gap');
  const loop = monitorEventLoopDelay({ resolution: 10 });
  const hist = new Uint32Array(H_SIZE);
  let latN = 0, latSum = 0, latMax = 0, dupes = 0, parseErrors = 0, seenCap = 0;
  let cpu0 = process.cpuUsage(), t0 = Date.now();
  let countMode = 'frames';
  // The lowest server id of a measured event seen by this process's sampled clients: frame-counted
  // clients count ids from there (warm-up events may still arrive after the measured phase began).
  let firstMeasuredId = 0;

  /**
   * Frame counting (default for chunked streams): hops from one HTTP chunk header to the next and
   * looks only at the first bytes of each chunk (a chunk is one server write, which starts with
   * one SSE message), never scanning the bodies. An `attack` message with `id: N` counts N minus
   * the previous attack id (ids are consecutive in the fresh log that holds only these events);
   * a bare `data:` message (one event per message, as the replica sends) counts 1; a `gap`
   * message is counted and its `lost` is subtracted. Sampled clients check this exactly.
   */
  const HEAD = 256;
  function countFrames(c, buf) {
    let n = 0, i = 0;
    while (i < buf.length) {
      if (c.fstate === 0) {
        // chunk size line (after the previous chunk's CRLF)
        const b = buf[i];
        if (b === 13 || b === 10) { if (b === 10 && c.fsize !== '') { c.fstate = c.fsize === '0' ? 3 : 1; c.fleft = parseInt(c.fsize, 16); c.fhead = ''; c.fsize = ''; } i++; continue; }
        c.fsize += String.fromCharCode(b); i++; continue;
      }
      if (c.fstate === 1) {
        const take = Math.min(c.fleft, buf.length - i, HEAD - c.fhead.length);
        c.fhead += buf.toString('latin1', i, i + take);
        i += take; c.fleft -= take;
        if (c.fhead.length >= HEAD || c.fleft === 0) { n += classify(c); c.fstate = c.fleft > 0 ? 2 : 0; }
        continue;
      }
      if (c.fstate === 2) { const take = Math.min(c.fleft, buf.length - i); i += take; c.fleft -= take; if (c.fleft === 0) c.fstate = 0; continue; }
      break; // 3: last chunk
    }
    return n;
  }
  function classify(c) {
    const h = c.fhead;
    if (h.startsWith('event: attack\n')) {
      const m = /^event: attack\nid: (\d+)\n/.exec(h);
      if (!m) { parseErrors++; return 0; }
      const id = Number(m[1]);
      const d = id - c.lastId;
      c.lastId = id;
      return d;
    }
    if (h.startsWith('event: gap\n')) {
      c.gaps++;
      const m = /"lost":(\d+)/.exec(h);
      if (m) c.lost += Number(m[1]); else parseErrors++;
      return 0;
    }
    if (h.startsWith('data:')) return h.includes(markerText) ? 1 : 0;
    return 0;
  }

  /** Markers in `buf`, plus ones spanning from the previous chunk (its tail is kept per client). */
  function countIn(c, buf) {
    let n = 0;
    const L = marker.length, G = gapMark.length, TL = Math.max(L, G) - 1;
    if (c.tail) {
      // A match here starts in the tail and ends in this chunk, so it is never counted twice.
      const jm = Buffer.concat([c.tail.subarray(c.tail.length - Math.min(c.tail.length, L - 1)), buf.subarray(0, L - 1)]);
      for (let i = jm.indexOf(marker); i >= 0; i = jm.indexOf(marker, i + 1)) n++;
      const jg = Buffer.concat([c.tail.subarray(c.tail.length - Math.min(c.tail.length, G - 1)), buf.subarray(0, G - 1)]);
      for (let i = jg.indexOf(gapMark); i >= 0; i = jg.indexOf(gapMark, i + 1)) c.gaps++;
    }
    for (let i = buf.indexOf(marker); i >= 0; i = buf.indexOf(marker, i + L)) n++;
    for (let i = buf.indexOf(gapMark); i >= 0; i = buf.indexOf(gapMark, i + G)) c.gaps++;
    // Copied, so the tail does not keep the whole chunk alive.
    const joined = buf.length >= TL || !c.tail ? buf : Buffer.concat([c.tail, buf]);
    c.tail = Buffer.from(joined.subarray(Math.max(0, joined.length - TL)));
    return n;
  }

  // Sampled clients: HTTP chunked decoding, then SSE messages, then JSON.
  function dechunk(c, buf) {
    const out = [];
    let i = 0;
    if (!c.chunked) { out.push(buf); return out; }
    if (c.cbuf) { buf = Buffer.concat([c.cbuf, buf]); c.cbuf = null; }
    while (i < buf.length) {
      if (c.left > 0) {
        const take = Math.min(c.left, buf.length - i);
        out.push(buf.subarray(i, i + take));
        i += take; c.left -= take;
        if (c.left === 0) c.skipCrlf = 2;
        continue;
      }
      if (c.skipCrlf > 0) { const k = Math.min(c.skipCrlf, buf.length - i); i += k; c.skipCrlf -= k; continue; }
      const eol = buf.indexOf('\r\n', i);
      if (eol < 0) { c.cbuf = Buffer.from(buf.subarray(i)); break; }
      const size = parseInt(buf.toString('latin1', i, eol), 16);
      i = eol + 2;
      if (!Number.isFinite(size)) { parseErrors++; c.left = 0; continue; }
      if (size === 0) { c.ended = true; break; }
      c.left = size;
    }
    return out;
  }

  function parseSample(c, buf, recvMs) {
    for (const part of dechunk(c, buf)) {
      c.text += part.toString('utf8');
      for (let end = c.text.indexOf('\n\n'); end >= 0; end = c.text.indexOf('\n\n')) {
        const msg = c.text.slice(0, end);
        c.text = c.text.slice(end + 2);
        let event = 'message', data = '';
        for (const line of msg.split('\n')) {
          if (line.startsWith('data:')) data += (data ? '\n' : '') + line.slice(line[5] === ' ' ? 6 : 5);
          else if (line.startsWith('event:')) event = line.slice(line[6] === ' ' ? 7 : 6);
        }
        if (event === 'gap') { c.gaps++; continue; }
        if (!data) continue;
        let obj;
        try { obj = JSON.parse(data); } catch { parseErrors++; continue; }
        const evs = Array.isArray(obj?.events) ? obj.events : (obj && obj.rule ? [obj] : []);
        for (const e of evs) {
          const id = e?.rule?.id;
          if (typeof id !== 'string' || !id.startsWith(markerText)) continue;
          const dash = id.indexOf('-', markerText.length);
          const seq = Number(id.slice(markerText.length, dash));
          const sent = Number(id.slice(dash + 1));
          const eid = Number(e.id);
          if (eid > 0 && (firstMeasuredId === 0 || eid < firstMeasuredId)) firstMeasuredId = eid;
          if (seq >= 0 && seq < seenCap) {
            const bit = 1 << (seq & 7);
            if (c.seen[seq >> 3] & bit) { dupes++; continue; }
            c.seen[seq >> 3] |= bit;
          }
          c.count++;
          const ms = recvMs - sent;
          hist[hIndex(ms)]++; latN++; latSum += ms; if (ms > latMax) latMax = ms;
        }
      }
    }
  }

  function open(spec, idx, host, port) {
    return new Promise((resolve) => {
      const c = { idx, sock: null, count: 0, gaps: 0, tail: null, sample: spec.sample, stall: spec.stall, ok: false,
        closed: false, err: null, head: '', chunked: false, left: 0, skipCrlf: 0, cbuf: null, text: '', seen: null, ended: false,
        fstate: 0, fsize: '', fleft: 0, fhead: '', lastId: 0, lost: 0, base: 0 };
      if (c.sample) c.seen = new Uint8Array((seenCap >> 3) + 1);
      const s = net.connect({ host, port });
      c.sock = s;
      const timer = setTimeout(() => { c.err = 'timeout'; s.destroy(); resolve(c); }, 20_000);
      s.on('connect', () => s.write(spec.request));
      s.on('error', (e) => { if (!c.err) c.err = e.code || e.message; });
      s.on('close', () => { c.closed = true; clearTimeout(timer); resolve(c); });
      const onData = (buf) => {
        if (!c.ok) {
          c.head += buf.toString('latin1');
          const end = c.head.indexOf('\r\n\r\n');
          if (end < 0) return;
          const head = c.head.slice(0, end).toLowerCase();
          const rest = Buffer.from(c.head.slice(end + 4), 'latin1');
          c.head = '';
          if (!/^http\/1\.[01] 200/.test(head) || !head.includes('text/event-stream')) {
            c.err = `status ${head.split('\r\n')[0]}`; s.destroy(); return;
          }
          c.chunked = /transfer-encoding:\s*chunked/.test(head);
          c.ok = true;
          clearTimeout(timer);
          resolve(c);
          if (rest.length) buf = rest; else return;
        }
        if (c.sample) parseSample(c, buf, Date.now());
        else if (countMode === 'frames' && c.chunked) c.count += countFrames(c, buf);
        else c.count += countIn(c, buf);
      };
      s.on('data', onData);
      c.onData = onData;
    });
  }

  process.on('message', async (m) => {
    if (m.type === 'open') {
      marker = Buffer.from(m.marker); markerText = m.marker; seenCap = m.seenCap; countMode = m.countMode;
      const u = new URL(m.url);
      const ramp = m.ramp;
      for (let i = 0; i < m.specs.length; i += ramp) {
        const part = m.specs.slice(i, i + ramp).map((spec) => open(spec, spec.idx, u.hostname, Number(u.port)));
        clients.push(...await Promise.all(part));
      }
      const errs = {};
      for (const c of clients) if (!c.ok) errs[c.err ?? 'closed'] = (errs[c.err ?? 'closed'] ?? 0) + 1;
      process.send({ type: 'opened', connected: clients.filter((c) => c.ok).length, failures: errs });
    } else if (m.type === 'start') {
      cpu0 = process.cpuUsage();
      t0 = Date.now();
      // Stalled clients stop reading now (after any warm-up): the socket stays open and its
      // receive buffer fills, so the server's writes to it block.
      for (const c of clients) if (c.stall && c.ok) { c.sock.pause(); c.sock.removeListener('data', c.onData); }
      // Frame-counted clients may have seen warm-up events: count from here on.
      for (const c of clients) if (!c.sample) { c.base = c.count; c.lost = 0; }
      loop.enable();
      process.send({ type: 'started' });
    } else if (m.type === 'finish') {
      const until = Date.now() + m.drainMs;
      const reading = clients.filter((c) => c.ok && !c.stall);
      const got = (c) => {
        if (c.sample || !c.chunked || countMode !== 'frames') return c.count - c.base - c.lost;
        if (c.lastId > 0 && firstMeasuredId > 0) return Math.max(0, c.lastId - firstMeasuredId + 1) - c.lost;
        // No ids (the replica): data messages counted since the start, warm-up excluded by the head check.
        return c.count - c.base - c.lost;
      };
      while (Date.now() < until && reading.some((c) => got(c) < m.expected && !c.closed && !c.gaps)) await new Promise((r) => setTimeout(r, 50));
      loop.disable();
      // Own CPU over the measured phase (the parent cannot read it once this process has exited).
      const cu = process.cpuUsage(cpu0);
      const cpuPct = Math.round(((cu.user + cu.system) / 1e4) / ((Date.now() - t0) / 1000));
      let minCount = Infinity, total = 0, incomplete = 0, gaps = 0, closedEarly = 0, sampled = 0, sampledCount = 0;
      for (const c of reading) {
        const n = got(c);
        total += n; if (n < minCount) minCount = n;
        if (n < m.expected) incomplete++;
        gaps += c.gaps; if (c.closed) closedEarly++;
        if (c.sample) { sampled++; sampledCount += c.count; }
      }
      const stalledClosed = clients.filter((c) => c.stall && c.closed).length;
      const nz = [];
      for (let i = 0; i < hist.length; i++) if (hist[i]) nz.push([i, hist[i]]);
      process.send({
        type: 'result', pid: process.pid, reading: reading.length, total, minCount: reading.length ? minCount : 0, incomplete, gaps,
        closedEarly, stalledClosed, sampled, sampledCount, dupes, parseErrors, hist: nz, latN, latSum, latMax,
        loopP99: loop.percentile(99) / 1e6, loopMax: loop.max / 1e6, cpuPct,
      });
      for (const c of clients) c.sock.destroy();
      setTimeout(() => process.exit(0), 200);
    }
  });
  // Below the server's priority: the clients get the CPU the server leaves, so they cannot starve
  // it on a shared machine; if they fall behind it shows as their loop delay.
  const nice = Number(process.env.LEAN_NICE ?? '10');
  if (nice) { try { setPriority(nice); } catch { /* not permitted: run at normal priority */ } }
  process.send({ type: 'ready' });
}

// ==== main: poster, sampler, report ===============================================================
async function main() {
  const o = parseArgs(process.argv.slice(2));
  const N = Number(o.clients), RATE = Number(o.rate), SECONDS = Number(o.seconds);
  const BATCH = o.batch ? Number(o.batch) : (RATE <= 100 ? 1 : Math.max(1, Math.round(RATE / 50)));
  const K = o.procs ? Number(o.procs) : Math.min(4, Math.max(N >= 500 ? 2 : 1, Math.ceil(N / 2500)));
  const EVERY = Math.max(1, Number(o['sample-every']));
  const STALL = Number(o.stall);
  const u = new URL(o.url);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname)) throw new Error('loopback targets only');
  const hardStop = setTimeout(() => { console.error('hard stop'); process.exit(3); }, (Number(o['connect-timeout']) + SECONDS + Number(o.drain) + 30) * 1000);
  hardStop.unref();

  const run = o['run-id'] || String(100000 + Math.floor(Math.random() * 900000));
  const markerText = `bm${run}-`;
  const totalBatches = Math.ceil((RATE * SECONDS) / BATCH);
  const seenCap = totalBatches * BATCH + 1;
  const query = o.view ? `?view=${o.view}` : '';
  const auth = o.view === 'public' ? '' : `Authorization: Bearer ${o.token}\r\n`;
  const request = `GET /api/stream${query} HTTP/1.1\r\nHost: ${u.host}\r\nAccept: text/event-stream\r\nCache-Control: no-cache\r\n${auth}\r\n`;

  // Clients 0..STALL-1 stall; sampled clients are every EVERY-th of the rest, spread over workers.
  // Every process gets sampled clients: each one's latency and exact checks cover its own load.
  const shares = Array.from({ length: K }, () => []);
  const readingSeen = new Array(K).fill(0);
  for (let i = 0; i < N; i++) {
    const stall = i < STALL;
    const k = i % K;
    const sample = !stall && readingSeen[k]++ % EVERY === 0;
    shares[k].push({ idx: i, stall, sample, request });
  }
  const self = fileURLToPath(import.meta.url);
  const workers = shares.map((specs) => {
    // LEAN_PROFILE_DIR: write a V8 CPU profile of every client process there (to find harness cost).
    process.env.LEAN_NICE = o.nice;
  const prof = process.env.LEAN_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.LEAN_PROFILE_DIR}`] : [];
    const w = fork(self, ['--worker'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: prof });
    return { w, specs, msgs: [] };
  });
  const next = (wk, type) => new Promise((resolve) => {
    const f = (m) => { if (m.type === type) { wk.w.off('message', f); resolve(m); } };
    wk.w.on('message', f);
  });
  await Promise.all(workers.map((wk) => next(wk, 'ready')));
  const tConn = Date.now();
  const opened = await Promise.all(workers.map((wk) => {
    const p = next(wk, 'opened');
    wk.w.send({ type: 'open', specs: wk.specs, url: o.url, ramp: Number(o.ramp), marker: markerText, seenCap, countMode: o.count });
    return p;
  }));
  const connectS = (Date.now() - tConn) / 1000;
  const connected = opened.reduce((a, r) => a + r.connected, 0);
  const failures = {};
  for (const r of opened) for (const [k, v] of Object.entries(r.failures)) failures[k] = (failures[k] ?? 0) + v;
  await new Promise((r) => setTimeout(r, 1000));

  const agent = new http.Agent({ keepAlive: true, maxSockets: Number(o['max-inflight']) });
  const CATS = ['scan', 'bruteforce', 'exploit', 'malware', 'dos'];
  const SEVS = ['low', 'medium', 'high', 'critical'];
  const RULES = ['SSH brute force', 'HTTP path traversal', 'SMB probe', 'Telnet login', 'TLS scanner', 'DNS amplification', 'RDP probe', 'SQL injection'];
  // Public-looking addresses from a fixed pool of 4,000, so geo lookups and first sightings do
  // real but bounded work (a real feed repeats its attackers).
  const srcIp = (n) => { const h = (n % 4000) * 2654435761 >>> 0; return `${[23, 45, 62, 77, 91, 103, 141, 185, 193, 212][h % 10]}.${(h >>> 8) & 255}.${(h >>> 16) & 255}.${1 + ((h >>> 24) % 254)}`; };
  function eventJson(prefix, seq, sentMs) {
    return `{"time":"${new Date(sentMs).toISOString()}","observer":{"name":"lean","product":"bench"},"category":"${CATS[seq % 5]}",` +
      `"severity":"${SEVS[seq % 4]}","rule":{"id":"${prefix}${seq}-${sentMs}","name":"${RULES[seq % 8]}"},"transport":"tcp",` +
      `"source":{"ip":"${srcIp(seq)}","port":${1024 + (seq % 60000)}},"destination":{"ip":"198.51.100.${1 + (seq % 20)}","port":${[22, 23, 80, 443, 445][seq % 5]}},"count":1}`;
  }
  /**
   * Posts RATE events/s for `secs` seconds, BATCH per POST, marker prefix `prefix`; resolves when
   * every POST is answered. Send time = just before the POST is issued.
   */
  async function postPhase(prefix, secs) {
    const st = { posted: 0, acked: 0, rejected: 0, errors: 0, msSum: 0, msMax: 0, done: 0, kinds: {}, seconds: 0 };
    const total = Math.round(RATE * secs);
    const batches = Math.ceil(total / BATCH);
    let sent = 0, inflight = 0;
    const intervalMs = (BATCH / RATE) * 1000;
    const tPost = Date.now();
    let finished;
    const done = new Promise((r) => { finished = r; });
    let pumpTimer = null;
    function postOne() {
      const first = sent * BATCH;
      sent++;
      const n = Math.min(BATCH, total - first);
      const now = Date.now();
      const parts = [];
      for (let j = 0; j < n; j++) parts.push(eventJson(prefix, first + j, now));
      const body = n === 1 ? parts[0] : `[${parts.join(',')}]`;
      st.posted += n; inflight++;
      const req = http.request({ agent, host: u.hostname, port: u.port, path: '/api/events', method: 'POST', timeout: 15_000,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${o.token}`, 'content-length': Buffer.byteLength(body) } }, (res) => {
        let txt = '';
        res.setEncoding('utf8');
        res.on('data', (d) => { txt += d; });
        res.on('end', () => {
          inflight--; st.done++;
          const ms = Date.now() - now; st.msSum += ms; if (ms > st.msMax) st.msMax = ms;
          if (res.statusCode >= 200 && res.statusCode < 300) {
            let a = n;
            try { const j = JSON.parse(txt); if (Number.isInteger(j.accepted)) { a = j.accepted; st.rejected += j.rejected ?? 0; } } catch { /* count the batch */ }
            st.acked += a;
          } else { st.errors++; st.kinds[`http ${res.statusCode}`] = (st.kinds[`http ${res.statusCode}`] ?? 0) + 1; }
          pump();
        });
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (e) => { inflight--; st.errors++; st.kinds[e.message] = (st.kinds[e.message] ?? 0) + 1; pump(); });
      req.end(body);
    }
    function pump() {
      if (pumpTimer) { clearTimeout(pumpTimer); pumpTimer = null; }
      const due = Math.min(batches, Math.floor((Date.now() - tPost) / intervalMs) + 1);
      while (sent < due && inflight < Number(o['max-inflight'])) postOne();
      if (sent >= batches) { if (inflight === 0) finished(); return; }
      if (sent < due) return; // at the in-flight cap: the next answer pumps again
      pumpTimer = setTimeout(pump, Math.max(1, tPost + sent * intervalMs - Date.now()));
    }
    pump();
    await done;
    st.seconds = (Date.now() - tPost) / 1000;
    return st;
  }

  // Warm-up (optional): the same load with markers the clients do not count, so that caches and
  // the heap reach their working size before the measured phase starts.
  const WARMUP = Number(o.warmup);
  const warm = WARMUP > 0 ? await postPhase(`bw${run}-`, WARMUP) : null;
  if (warm) await new Promise((r) => setTimeout(r, 2000));

  // ---- measured load ----
  const pid = o.pid ? Number(o.pid) : null;
  const ourPids = () => [process.pid, ...workers.map((wk) => wk.w.pid)];
  await Promise.all(workers.map((wk) => { const p = next(wk, 'started'); wk.w.send({ type: 'start' }); return p; }));
  const jiff0 = machineJiffies();
  const srv0 = pid ? treeStat(pid) : null;
  const harness0 = ourPids().map((p) => procStat(p)?.own ?? 0);
  const load0 = loadavg()[0];
  let rssMax = srv0?.rss ?? 0;
  const timeline = [];
  let lastTl = { t: Date.now(), cpu: srv0?.cpu ?? 0 };
  const t0Load = Date.now();
  const sampler = setInterval(() => {
    if (!pid) return;
    const s = treeStat(pid);
    if (s.rss > rssMax) rssMax = s.rss;
    if (o.timeline && Date.now() - lastTl.t >= 990) {
      const t = Date.now();
      timeline.push({ s: Math.round((t - t0Load) / 100) / 10, rss_mb: Math.round(s.rss / 1e5) / 10, cpu_pct: Math.round(((s.cpu - lastTl.cpu) / TICK) / ((t - lastTl.t) / 1000) * 100) });
      lastTl = { t, cpu: s.cpu };
    }
  }, 500);
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const ps = await postPhase(`bm${run}-`, SECONDS);
  const { posted, acked, rejected } = ps;
  const posterLoopP99 = loop.percentile(99) / 1e6;
  loop.disable();

  const results = await Promise.all(workers.map((wk) => { const p = next(wk, 'result'); wk.w.send({ type: 'finish', expected: acked, drainMs: Number(o.drain) * 1000 }); return p; }));
  const tEnd = Date.now();
  clearInterval(sampler);
  const loadS = (tEnd - t0Load) / 1000;
  const jiff1 = machineJiffies();
  const srv1 = pid ? treeStat(pid) : null;
  if (srv1 && srv1.rss > rssMax) rssMax = srv1.rss;
  const harness1 = ourPids().map((p) => procStat(p)?.own ?? 0);
  const pct = (j) => Math.round((j / TICK) / loadS * 100);
  const posterPct = pct(harness1[0] - harness0[0]);
  const harnessPct = posterPct + results.reduce((a, r) => a + r.cpuPct, 0);
  const serverJ = srv1 ? srv1.cpu - srv0.cpu : 0;
  const busyPct = Math.round(((jiff1.busy - jiff0.busy) / TICK) / loadS * 100);

  const hist = new Uint32Array(H_SIZE);
  let latN = 0, latSum = 0, latMax = 0, total = 0, reading = 0, minCount = Infinity, incomplete = 0, gaps = 0, closedEarly = 0;
  let stalledClosed = 0, sampled = 0, sampledCount = 0, dupes = 0, parseErrors = 0;
  for (const r of results) {
    for (const [i, c] of r.hist) hist[i] += c;
    latN += r.latN; latSum += r.latSum; latMax = Math.max(latMax, r.latMax);
    total += r.total; reading += r.reading; if (r.reading) minCount = Math.min(minCount, r.minCount);
    incomplete += r.incomplete; gaps += r.gaps; closedEarly += r.closedEarly; stalledClosed += r.stalledClosed;
    sampled += r.sampled; sampledCount += r.sampledCount; dupes += r.dupes; parseErrors += r.parseErrors;
  }
  const expected = acked * reading;
  const out = {
    harness_kind: 'lean', label: o.label, date: new Date(t0Load).toISOString(), url: o.url, run,
    clients: N, clients_connected: connected, connect_failures: failures, connect_s: connectS, stalled_clients: STALL,
    rate: RATE, batch: BATCH, seconds: SECONDS, procs: K, sample_every: EVERY, count_mode: o.count, client_nice: Number(o.nice),
    warmup_s: WARMUP, warmup: warm ? { acked: warm.acked, post_errors: warm.errors, post_ms_avg: warm.done ? Math.round(warm.msSum / warm.done) : null } : undefined,
    events_posted: posted, events_acked: acked, events_rejected: rejected, post_errors: ps.errors, post_error_kinds: ps.kinds,
    post_ms_avg: ps.done ? Math.round(ps.msSum / ps.done) : null, post_ms_max: ps.msMax, post_s: ps.seconds,
    deliveries_expected: expected, deliveries_counted: total,
    delivery_ratio: expected ? Math.round((total / expected) * 10000) / 10000 : null,
    min_client_ratio: acked && reading ? Math.round((minCount / acked) * 10000) / 10000 : null,
    clients_incomplete: incomplete, clients_closed_early: closedEarly, stalled_closed_by_server: stalledClosed, gap_messages: gaps,
    sampled_clients: sampled, sampled_deliveries: sampledCount, duplicates: dupes, parse_errors: parseErrors,
    latency_ms: { ...hQuantiles(hist, latN), max: Math.round(latMax * 10) / 10, avg: latN ? Math.round((latSum / latN) * 10) / 10 : null, n: latN },
    server: pid ? { pid, cpu_s: serverJ / TICK, cpu_pct: pct(serverJ), rss_start_mb: Math.round(srv0.rss / 1e6), rss_max_mb: Math.round(rssMax / 1e6), rss_end_mb: Math.round(srv1.rss / 1e6), ...(o.timeline ? { timeline } : {}) } : null,
    harness: {
      cpu_pct: harnessPct, poster_cpu_pct: posterPct, poster_loop_p99_ms: Math.round(posterLoopP99),
      workers: results.map((r, i) => ({ pid: r.pid, clients: workers[i].specs.length, cpu_pct: r.cpuPct, loop_p99_ms: Math.round(r.loopP99), loop_max_ms: Math.round(r.loopMax) })),
    },
    machine: { load_s: loadS, busy_pct: busyPct, other_pct: busyPct - harnessPct - pct(serverJ), loadavg_start: load0, loadavg_end: loadavg()[0] },
  };
  process.stdout.write(JSON.stringify(out) + '\n');
  agent.destroy();
  setTimeout(() => process.exit(0), 300);
}

if (process.argv.includes('--worker')) worker();
else main().catch((e) => { console.error(e); process.exit(1); });

#!/usr/bin/env node
// Pushes attack events to a running attackmap (POST /api/events, bearer token) at a steady rate
// for a fixed time, then prints {"sent","errors","seconds"} and exits. Loopback only.
// Sources are drawn from address blocks the embedded GeoIP data places in many countries;
// targets are a few locatable public addresses, so every event can become an arc.
//   node feeder.mjs --url http://127.0.0.1:PORT --token T --rate 1000 --seconds 60
import http from 'node:http';

const arg = (k, d) => { const i = process.argv.indexOf(`--${k}`); return i > 0 ? process.argv[i + 1] : d; };
const url = new URL(arg('url', 'http://127.0.0.1:8080'));
if (url.hostname !== '127.0.0.1' && url.hostname !== 'localhost') { console.error('loopback only'); process.exit(2); }
const token = arg('token', '');
const rate = Number(arg('rate', '100'));
const seconds = Number(arg('seconds', '30'));

const firstOctets = [2, 5, 14, 27, 31, 36, 37, 41, 46, 49, 58, 61, 77, 78, 80, 81, 82, 85, 89, 91, 93, 95, 101, 103, 110, 112, 114, 117, 119, 121, 123, 125, 175, 177, 179, 181, 185, 186, 187, 189, 190, 193, 195, 196, 197, 200, 201, 210, 212, 213, 217, 218, 220, 222];
const targets = ['8.8.8.8', '81.2.69.142', '202.12.27.33', '193.0.14.129'];
const cats = ['scan', 'bruteforce', 'exploit', 'malware', 'dos', 'recon'];
const sevs = ['low', 'medium', 'high', 'critical'];
const ports = [22, 23, 80, 443, 445, 3389, 8080];
let seq = 0;
let state = 12345;
const rnd = (n) => { state = (state * 1103515245 + 12345) & 0x7fffffff; return state % n; };

function event() {
  const n = seq++;
  return {
    time: new Date().toISOString(), observer: { name: `bench-${n % 4}` }, category: cats[n % cats.length], severity: sevs[rnd(4)],
    rule: { name: `bench rule ${n % 50}` }, transport: 'tcp',
    source: { ip: `${firstOctets[rnd(firstOctets.length)]}.${rnd(256)}.${rnd(256)}.${1 + rnd(254)}`, port: 1024 + rnd(60000) },
    destination: { ip: targets[n % targets.length], port: ports[n % ports.length] },
  };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
let sent = 0, errors = 0, carry = 0;
const tickMs = 50;
const end = Date.now() + seconds * 1000;
const timer = setInterval(() => {
  if (Date.now() >= end) {
    clearInterval(timer);
    setTimeout(() => { console.log(JSON.stringify({ sent, errors, seconds })); process.exit(0); }, 300);
    return;
  }
  carry += (rate * tickMs) / 1000;
  const k = Math.floor(carry);
  carry -= k;
  if (!k) return;
  const body = JSON.stringify(Array.from({ length: k }, event));
  const req = http.request({ host: url.hostname, port: url.port, path: '/api/events', method: 'POST', agent,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
    res.resume();
    if (res.statusCode === 202) sent += k; else errors++;
  });
  req.on('error', () => { errors++; });
  req.end(body);
}, tickMs);
setTimeout(() => process.exit(3), (seconds + 20) * 1000).unref();

/**
 * Appends Suricata EVE alert lines to a file at a steady rate, the way a busy sensor does.
 * Every `markerEvery`-th line targets port 2222 so a stream client can follow a sample.
 *
 *   node bench/file-path/writer.mjs FILE RATE SECONDS MARKER_EVERY
 *
 * Prints {"written":N,"seconds":S} on stdout when done. Writes only to FILE; stops by itself.
 */
import { openSync, writeSync, closeSync } from 'node:fs';

const [file, rateArg, secondsArg, markerArg] = process.argv.slice(2);
const rate = Number(rateArg);
const seconds = Number(secondsArg);
const markerEvery = Number(markerArg);
const sigs = [
  [2001219, 'ET SCAN Potential SSH Scan', 22, 2],
  [2034647, 'ET EXPLOIT Apache log4j RCE Attempt (http ldap) (CVE-2021-44228)', 8080, 1],
  [2010935, 'ET SCAN Suspicious inbound to MSSQL port 1433', 1433, 2],
  [2024218, 'ET EXPLOIT Possible ETERNALBLUE Probe MS17-010 (MSF style)', 445, 1],
];
const sources = ['218.92.0.112', '61.177.172.60', '45.55.40.9', '80.82.77.33', '5.9.120.4', '177.54.144.7', '14.177.20.99', '95.213.200.17'];

function eveTime(ms) {
  return new Date(ms).toISOString().replace('Z', '000+0000');
}

function line(seq, nowMs) {
  const marker = seq % markerEvery === 0;
  const [sid, sig, port, sev] = sigs[seq % sigs.length];
  return JSON.stringify({
    timestamp: eveTime(nowMs), flow_id: 1500000000000000 + seq, in_iface: 'eth0', event_type: 'alert',
    src_ip: sources[seq % sources.length], src_port: 1024 + (seq % 60000), dest_ip: '10.0.0.5', dest_port: marker ? 2222 : port, proto: 'TCP',
    alert: { action: 'allowed', gid: 1, signature_id: sid, rev: 3, signature: sig, category: 'Attempted Information Leak', severity: sev },
    app_proto: 'failed',
  });
}

const fd = openSync(file, 'a');
const t0 = Date.now();
let written = 0;
await new Promise((resolve) => {
  const timer = setInterval(() => {
    const now = Date.now();
    const elapsed = (now - t0) / 1000;
    const due = Math.min(Math.floor(rate * elapsed), Math.floor(rate * seconds)) - written;
    if (due > 0) {
      const lines = [];
      for (let i = 0; i < due; i++) lines.push(line(written + i, now));
      writeSync(fd, lines.join('\n') + '\n');
      written += due;
    }
    if (elapsed >= seconds) { clearInterval(timer); resolve(); }
  }, 5);
});
closeSync(fd);
process.stdout.write(JSON.stringify({ written, seconds: (Date.now() - t0) / 1000 }) + '\n');

// Sink clients for hub-micro.ts: N raw connections to /api/stream that read and discard.
import net from 'node:net';
const [port, n] = [Number(process.argv[2]), Number(process.argv[3])];
let bytes = 0, open = 0;
for (let i = 0; i < n; i++) {
  const s = net.connect(port, '127.0.0.1', () => { open++; s.write('GET /api/stream HTTP/1.1\r\nhost: x\r\n\r\n'); });
  s.on('data', (d) => { bytes += d.length; });
  s.on('error', () => {});
  if (i % 250 === 249) await new Promise((r) => setTimeout(r, 100));
}
setInterval(() => process.stdout.write(JSON.stringify({ open, bytes }) + '\n'), 1000);

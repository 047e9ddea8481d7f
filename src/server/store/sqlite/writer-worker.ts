/**
 * Worker-thread entry of the event log's writer. Messages from the log (index.ts), answered in
 * the order they arrive for writes:
 *   { op: 'write', seq, req }  -> { seq, ok, result | message }
 *   { op: 'sweep', seq, now }  -> { seq, ok, swept | message }
 *   { op: 'close', seq }       -> { seq, ok }  (after a running sweep stopped and the db closed)
 * Every answer carries `deleted` (events retention removed since the last answer) and the
 * retention health, so the main thread's counters follow without extra round trips.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { LogWriter, type WriteRequest, type WriterOptions } from './writer.js';

type Message =
  | { op: 'write'; seq: number; req: WriteRequest }
  | { op: 'sweep'; seq: number; now: number }
  | { op: 'close'; seq: number };

const port = parentPort;
if (!port) throw new Error('writer-worker.ts runs only as a worker thread');

let writer: LogWriter;
try {
  writer = new LogWriter(workerData as WriterOptions);
  port.postMessage({ seq: 0, ok: true, ready: true });
} catch (err) {
  port.postMessage({ seq: 0, ok: false, ready: true, message: (err as Error).message });
  port.close();
}

function reply(seq: number, body: Record<string, unknown>): void {
  port!.postMessage({ seq, deleted: writer.takeDeleted(), retention: writer.retentionHealth(), ...body });
}

port.on('message', (m: Message) => {
  if (m.op === 'write') {
    try {
      reply(m.seq, { ok: true, result: writer.write(m.req) });
    } catch (err) {
      reply(m.seq, { ok: false, message: (err as Error).message });
    }
  } else if (m.op === 'sweep') {
    writer.sweep(m.now).then(
      (swept) => reply(m.seq, { ok: true, swept }),
      (err: Error) => reply(m.seq, { ok: false, message: err.message }),
    );
  } else if (m.op === 'close') {
    writer.close().then(
      () => { port.postMessage({ seq: m.seq, ok: true, deleted: 0 }); port.close(); },
      (err: Error) => { port.postMessage({ seq: m.seq, ok: false, message: err.message }); port.close(); },
    );
  }
});

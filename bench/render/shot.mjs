#!/usr/bin/env node
// Screenshot of a page URL in headless Chromium (for looking at layouts by eye).
//   node bench/render/shot.mjs URL OUT.png [width] [height] [waitMs]
import { chromium } from 'playwright-core';
const [url, out, w, h, wait] = process.argv.slice(2);
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--disable-gpu', '--no-first-run', '--disable-background-networking'] });
const p = await b.newPage({ viewport: { width: Number(w || 1920), height: Number(h || 1080) } });
const errors = [];
p.on('pageerror', (e) => errors.push(e.message));
await p.goto(url);
await p.waitForTimeout(Number(wait || 8000));
await p.screenshot({ path: out });
if (errors.length) console.log(errors.join('\n'));
await b.close();

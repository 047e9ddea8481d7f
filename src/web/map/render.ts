/**
 * Draws an arcs draw list on the overlay canvas: one stroke per (category, opacity level, width)
 * batch, so hundreds of arcs cost a few dozen canvas calls per frame.
 */
import type { Theme } from '../palette.js';
import { ALPHA_LEVELS, type ArcDrawList } from './layers/arcs.js';
import type { ViewTransform } from './view.js';
import type { Site } from '../types.js';

export interface PlacedSite { site: Site; xy: [number, number] }

/** Traces a flat x,y list with NaN,NaN pen-ups into the current path. */
function trace(ctx: CanvasRenderingContext2D, xy: number[]): void {
  let pen = false;
  for (let i = 0; i < xy.length; i += 2) {
    const x = xy[i], y = xy[i + 1];
    if (Number.isNaN(x)) { pen = false; continue; }
    if (pen) ctx.lineTo(x, y); else { ctx.moveTo(x, y); pen = true; }
  }
}

/** Clears the canvas and paints the list; sizes in CSS px, `dpr` device pixels per CSS px. */
export function drawArcs(canvas: HTMLCanvasElement, list: ArcDrawList, view: ViewTransform, dpr: number, theme: Theme, fontPx: number, sites: PlacedSite[] = []): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.globalAlpha = 1;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.setTransform(dpr * view.k, 0, 0, dpr * view.k, dpr * view.tx, dpr * view.ty);
  ctx.lineCap = 'butt';
  ctx.lineJoin = 'miter';
  const k = view.k;
  for (const s of list.strokes) {
    ctx.globalAlpha = s.level / ALPHA_LEVELS;
    ctx.strokeStyle = theme.category[s.cat];
    ctx.lineWidth = s.width / k;
    ctx.beginPath();
    trace(ctx, s.xy);
    ctx.stroke();
  }
  for (const d of list.dots) {
    ctx.globalAlpha = d.level / ALPHA_LEVELS;
    const r = d.r / k;
    if (d.shape === 'dot' && d.r <= 3) {
      // Small dots as squares: a software rasteriser fills rectangles far faster than circles,
      // and at 2–3 px nobody sees the difference.
      ctx.fillStyle = theme.category[d.cat];
      for (let i = 0; i < d.xy.length; i += 2) ctx.fillRect(d.xy[i] - r, d.xy[i + 1] - r, 2 * r, 2 * r);
      continue;
    }
    ctx.beginPath();
    for (let i = 0; i < d.xy.length; i += 2) {
      const x = d.xy[i], y = d.xy[i + 1];
      if (d.shape === 'diamond') {
        ctx.moveTo(x, y - r); ctx.lineTo(x + r, y); ctx.lineTo(x, y + r); ctx.lineTo(x - r, y); ctx.closePath();
      } else {
        ctx.moveTo(x + r, y);
        ctx.arc(x, y, r, 0, Math.PI * 2);
      }
    }
    if (d.shape === 'ring') {
      ctx.strokeStyle = theme.category[d.cat];
      ctx.lineWidth = 1.5 / k;
      ctx.stroke();
    } else {
      ctx.fillStyle = theme.category[d.cat];
      ctx.fill();
    }
  }
  if (list.badges.length) {
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.globalAlpha = 1;
    ctx.font = `700 ${fontPx}px system-ui, sans-serif`;
    ctx.textBaseline = 'middle';
    for (const b of list.badges) {
      const x = b.x * view.k + view.tx + 6, y = b.y * view.k + view.ty - 10;
      const w = ctx.measureText(b.text).width + 8;
      ctx.fillStyle = theme.badgeBg;
      ctx.fillRect(x, y - fontPx * 0.65, w, fontPx * 1.3);
      ctx.fillStyle = theme.category[b.cat];
      ctx.fillRect(x, y - fontPx * 0.65, 2, fontPx * 1.3);
      ctx.fillStyle = theme.badgeText;
      ctx.fillText(b.text, x + 5, y);
    }
  }
  // Sites last: a square and a haloed name in screen pixels, legible over arcs at any zoom.
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.globalAlpha = 1;
  ctx.font = `600 ${Math.round(fontPx * 1.05)}px system-ui, sans-serif`;
  ctx.textBaseline = 'middle';
  ctx.lineJoin = 'round';
  for (const { site, xy } of sites) {
    const x = xy[0] * view.k + view.tx, y = xy[1] * view.k + view.ty;
    ctx.fillStyle = theme.siteHalo;
    ctx.fillRect(x - 5, y - 5, 10, 10);
    ctx.fillStyle = theme.siteFill;
    ctx.fillRect(x - 3.5, y - 3.5, 7, 7);
    ctx.lineWidth = 4;
    ctx.strokeStyle = theme.siteHalo;
    ctx.strokeText(site.name, x + 9, y);
    ctx.fillStyle = theme.siteText;
    ctx.fillText(site.name, x + 9, y);
  }
}

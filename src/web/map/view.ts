/**
 * The map's projection and pan/zoom. Geometry is projected once into base coordinates (CSS pixels
 * at zoom 1, fitted to the map box); pan and zoom are a scale and translation applied at draw time,
 * so zooming never re-projects 50m country outlines or arcs.
 */
import { geoNaturalEarth1, type GeoProjection } from 'd3-geo';
import type { LonLat } from './geo.js';

export interface ViewTransform { k: number; tx: number; ty: number }

export const MIN_ZOOM = 1;
export const MAX_ZOOM = 12;

/** A Natural Earth projection fitting the whole sphere into width × height CSS pixels with `pad` around. */
export function fitProjection(width: number, height: number, pad = 8): GeoProjection {
  return geoNaturalEarth1().fitExtent([[pad, pad], [Math.max(pad + 1, width - pad), Math.max(pad + 1, height - pad)]], { type: 'Sphere' });
}

/** Base coordinates of a place, or null when the projection cannot place it. */
export function projectBase(p: GeoProjection, ll: LonLat): [number, number] | null {
  const r = p(ll);
  return r && Number.isFinite(r[0]) && Number.isFinite(r[1]) ? [r[0], r[1]] : null;
}

/** Zooms by `factor` keeping screen point (sx, sy) fixed; clamped to [MIN_ZOOM, MAX_ZOOM]. */
export function zoomAt(v: ViewTransform, factor: number, sx: number, sy: number): ViewTransform {
  const k = Math.max(MIN_ZOOM, Math.min(MAX_ZOOM, v.k * factor));
  const f = k / v.k;
  return { k, tx: sx - (sx - v.tx) * f, ty: sy - (sy - v.ty) * f };
}

/** Keeps the zoomed map covering the box (no panning the world off screen); at zoom 1 it is centred. */
export function clampView(v: ViewTransform, width: number, height: number): ViewTransform {
  if (v.k <= 1) return { k: 1, tx: 0, ty: 0 };
  const minTx = width - width * v.k, minTy = height - height * v.k;
  return { k: v.k, tx: Math.min(0, Math.max(minTx, v.tx)), ty: Math.min(0, Math.max(minTy, v.ty)) };
}

/** Screen (CSS px within the map box) of a base point. */
export function toScreen(v: ViewTransform, x: number, y: number): [number, number] {
  return [x * v.k + v.tx, y * v.k + v.ty];
}

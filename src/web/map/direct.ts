/**
 * The first map paint's projection: world-atlas TopoJSON arcs decoded and projected straight into
 * Path2D outlines with the Natural Earth formula and the fitted projection's scale and translate.
 * d3's stream pipeline (antimeridian clipping, adaptive resampling) gives the same picture for
 * Natural Earth data, which is already cut at ±180°, but its first run on a fresh page costs about
 * 120 ms of not-yet-compiled code; this path costs a few milliseconds, so the coarse map is on
 * screen that much sooner. Detailed outlines still go through d3 (see basemap.ts).
 */
import { geoGraticule10, type GeoProjection } from 'd3-geo';

/** The world-atlas shape this module reads (quantised TopoJSON with a `countries` object). */
export interface TopoWorld {
  transform?: { scale: [number, number]; translate: [number, number] };
  arcs: [number, number][][];
  objects: { countries: { geometries: { type: string; id?: string | number; arcs?: unknown; properties?: { name?: string } }[] } };
}

export interface DirectProjected {
  sphere: Path2D;
  graticule: Path2D;
  borders: Path2D;
  countries: { key: string; path: Path2D }[];
}

const RAD = Math.PI / 180;

/**
 * Natural Earth (Šavrič et al.) in screen pixels for a d3 geoNaturalEarth1 with scale `k` and
 * translate [tx, ty] (no rotation, no centre): the same numbers d3 computes for one point.
 */
export function naturalEarthXY(k: number, tx: number, ty: number, lon: number, lat: number): [number, number] {
  const l = lon * RAD, p = lat * RAD;
  const p2 = p * p, p4 = p2 * p2;
  const x = l * (0.8707 - 0.131979 * p2 + p4 * (-0.013791 + p4 * (0.003971 * p2 - 0.001529 * p4)));
  const y = p * (1.007226 + p2 * (0.015085 + p4 * (-0.044475 + 0.028874 * p2 - 0.005916 * p4)));
  return [tx + k * x, ty - k * y];
}

/** Absolute lon/lat points of every arc (delta-decoded and de-quantised once). */
function decodeArcs(topo: TopoWorld): Float64Array[] {
  const [sx, sy] = topo.transform?.scale ?? [1, 1];
  const [dx, dy] = topo.transform?.translate ?? [0, 0];
  const quantised = topo.transform !== undefined;
  return topo.arcs.map((arc) => {
    const out = new Float64Array(arc.length * 2);
    let x = 0, y = 0;
    for (let i = 0; i < arc.length; i++) {
      if (quantised) { x += arc[i][0]; y += arc[i][1]; } else { x = arc[i][0]; y = arc[i][1]; }
      out[2 * i] = x * sx + dx;
      out[2 * i + 1] = y * sy + dy;
    }
    return out;
  });
}

/**
 * Projects the countries, their shared borders, the sphere's outline and the 10° graticule for
 * `proj` (which must be the fitted geoNaturalEarth1 of view.ts). Synchronous; a few ms for 110m.
 */
export function projectDirect(topo: TopoWorld, proj: GeoProjection): DirectProjected {
  const k = proj.scale();
  const [tx, ty] = proj.translate();
  const pts = decodeArcs(topo);
  // Projected arcs, computed once each: every arc is shared by up to two countries.
  const xy = pts.map((a) => {
    const o = new Float64Array(a.length);
    for (let i = 0; i < a.length; i += 2) { const q = naturalEarthXY(k, tx, ty, a[i], a[i + 1]); o[i] = q[0]; o[i + 1] = q[1]; }
    return o;
  });
  // Arc index → the geometry that used it first; -1 once a second geometry used it too (a border).
  const owner = new Int32Array(topo.arcs.length).fill(-2);
  const border: boolean[] = new Array(topo.arcs.length).fill(false);
  const ring = (path: Path2D, ids: number[], gi: number) => {
    let first = true;
    for (const id of ids) {
      const a = id < 0 ? ~id : id;
      if (owner[a] === -2) owner[a] = gi; else if (owner[a] !== gi) border[a] = true;
      const o = xy[a];
      const n = o.length / 2;
      // Consecutive arcs share an end point: skip the repeat.
      for (let j = first ? 0 : 1; j < n; j++) {
        const i = id < 0 ? n - 1 - j : j;
        if (first && j === 0) path.moveTo(o[2 * i], o[2 * i + 1]); else path.lineTo(o[2 * i], o[2 * i + 1]);
      }
      first = false;
    }
    path.closePath();
  };
  const countries: DirectProjected['countries'] = [];
  topo.objects.countries.geometries.forEach((g, gi) => {
    const path = new Path2D();
    const polys = g.type === 'Polygon' ? [g.arcs as number[][]] : g.type === 'MultiPolygon' ? (g.arcs as number[][][]) : [];
    for (const poly of polys) for (const r of poly) ring(path, r, gi);
    countries.push({ key: g.id !== undefined ? String(g.id) : `name:${g.properties?.name ?? ''}`, path });
  });
  const borders = new Path2D();
  for (let a = 0; a < xy.length; a++) {
    if (!border[a]) continue;
    const o = xy[a];
    borders.moveTo(o[0], o[1]);
    for (let i = 2; i < o.length; i += 2) borders.lineTo(o[i], o[i + 1]);
  }
  const line = (path: Path2D, coords: number[][]) => {
    coords.forEach(([lon, lat], i) => { const q = naturalEarthXY(k, tx, ty, lon, lat); if (i) path.lineTo(q[0], q[1]); else path.moveTo(q[0], q[1]); });
  };
  const graticule = new Path2D();
  for (const l of geoGraticule10().coordinates) line(graticule, l);
  // The sphere's edge: the ±180° meridians (curves in this projection), one point per degree.
  const sphere = new Path2D();
  const edge: number[][] = [];
  for (let lat = -90; lat <= 90; lat++) edge.push([180, lat]);
  for (let lat = 90; lat >= -90; lat--) edge.push([-180, lat]);
  line(sphere, edge);
  sphere.closePath();
  return { sphere, graticule, borders, countries };
}

/**
 * Colours. Categories use the Okabe–Ito palette (distinguishable with the common colour-vision
 * deficiencies), adjusted per theme for contrast; the choropleth is a low-saturation slate lightness
 * ramp, kept darker (lighter in the light theme) than any arc colour so arcs stay visible over it. Severity is never shown by colour alone (labels too).
 */
import type { Category, Severity } from './types.js';

export type ThemeName = 'dark' | 'light';

export interface Theme {
  name: ThemeName;
  ocean: string;
  land: string;
  border: string;
  graticule: string;
  siteFill: string;
  siteText: string;
  siteHalo: string;
  badgeBg: string;
  badgeText: string;
  /** Choropleth classes 1..n (index 0 = class 1). */
  ramp: string[];
  category: Record<Category, string>;
}

const OKABE_DARK: Record<Category, string> = {
  scan: '#56B4E9', bruteforce: '#E69F00', exploit: '#FF6A1A', malware: '#CC79A7', dos: '#F0E442',
  recon: '#00C08B', policy: '#4C9BE8', intel: '#FFFFFF', other: '#A0A0A0',
};
const OKABE_LIGHT: Record<Category, string> = {
  scan: '#2A8FCB', bruteforce: '#C98600', exploit: '#D55E00', malware: '#B2508C', dos: '#8F8700',
  recon: '#009E73', policy: '#0072B2', intel: '#000000', other: '#6E6E6E',
};

export const THEMES: Record<ThemeName, Theme> = {
  dark: {
    name: 'dark', ocean: '#070b12', land: '#1a2431', border: '#2e3b4c', graticule: '#101824',
    siteFill: '#ffffff', siteText: '#e8eef5', siteHalo: '#070b12', badgeBg: 'rgba(7,11,18,0.85)', badgeText: '#ffffff',
    ramp: ['#232e3b', '#2b3848', '#354457', '#405168', '#4c5f7a', '#5a6e8c'],
    category: OKABE_DARK,
  },
  light: {
    name: 'light', ocean: '#dfe7ef', land: '#f7f7f4', border: '#a9b4bf', graticule: '#d3dce5',
    siteFill: '#111111', siteText: '#111111', siteHalo: '#ffffff', badgeBg: 'rgba(255,255,255,0.9)', badgeText: '#111111',
    ramp: ['#e6e9ee', '#d3d8e0', '#bec5d0', '#a8b1bf', '#929dae', '#7c889c'],
    category: OKABE_LIGHT,
  },
};

export const SEVERITY_COLOUR: Record<Severity, string> = { low: '#7f8c99', medium: '#F0E442', high: '#E69F00', critical: '#FF4D4D' };

/**
 * Licences and the attribution each database's terms ask for; info().databases carries them to
 * the page footer and the README.
 */

/** GeoLite2 (MaxMind): CC BY-SA 4.0 under the GeoLite2 EULA; credit MaxMind with a link. */
export const GEOLITE2_ATTRIBUTION = {
  licence: 'CC BY-SA 4.0 (GeoLite2 EULA)',
  attribution: { text: 'GeoLite2 data created by MaxMind, CC BY-SA 4.0', url: 'https://www.maxmind.com' },
};
/** DB-IP lite data: CC BY 4.0; a web page using it must link to DB-IP with this text. */
export const DBIP_ATTRIBUTION = {
  licence: 'CC-BY-4.0',
  attribution: { text: 'IP Geolocation by DB-IP', url: 'https://db-ip.com' },
};

interface LicenceRule { test: RegExp; licence: string; attribution: { text: string; url: string } }

/** Licence by database type, first match wins (an explicit registry; extend here). */
const LICENCES: LicenceRule[] = [
  { test: /^GeoLite2-/i, ...GEOLITE2_ATTRIBUTION },
  { test: /^GeoIP2-/i, licence: 'MaxMind commercial licence', attribution: { text: 'GeoIP2 data by MaxMind', url: 'https://www.maxmind.com' } },
  { test: /^DBIP-|db-?ip/i, ...DBIP_ATTRIBUTION },
];

/** The licence rule for an mmdb database_type, or undefined when none is known. */
export function licenceFor(databaseType: string): LicenceRule | undefined {
  return LICENCES.find((r) => r.test.test(databaseType));
}

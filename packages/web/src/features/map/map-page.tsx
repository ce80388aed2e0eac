import '../../i18n/lazy/desk';
import type { TBoundaries, TMapPoints, TRiskList } from '@sinergi/domain';
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import Supercluster from 'supercluster';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import atlasUrl from 'world-atlas/countries-50m.json?url';
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { dashboardApi } from '../../api/dashboard';
import { mapApi } from '../../api/map';
import { NATIONAL_SCOPE } from '../../lib/domain';
import { formatNumber } from '../../lib/format';
import { useUrlFilters } from '../../lib/hooks';
import { ErrorAlert, Loading } from '../../ui';
import { useMe } from '../auth/auth-context';
import { LEVEL_COLOURS } from '../dashboard/vulnerability';
import { RegionTiles } from './region-tiles';

/** Severity colours of the points (the same as the severity badges). */
const SEVERITY_COLOURS = ['#3d6b85', '#d9a42b', '#b54708', '#b42318'] as const;
const INDONESIA_ID = '360';
const NEIGHBOURS = new Set(['458', '626', '598', '608', '702', '096', '036']); // MY, TL, PG, PH, SG, BN, AU

interface PointProps {
  id: string;
  severity: number;
}
interface ClusterProps {
  severity: number;
}

let atlas: Promise<Topology> | null = null;
/** The Natural Earth outline (world-atlas, shipped with the app: no internet needed). */
function loadAtlas(): Promise<Topology> {
  atlas ??= fetch(atlasUrl).then((r) => r.json() as Promise<Topology>);
  return atlas;
}

/**
 * Peta: the located reports of the scope as clusters coloured by their most severe report, over
 * the country outline (and the operator's basemap when one is configured), the imported region
 * boundaries coloured by vulnerability, and the same picture as tiles for regions with no geometry.
 */
export function MapPage() {
  const { t } = useTranslation();
  const me = useMe();
  const { params, setFilter } = useUrlFilters();
  const days = params.get('days') ?? '30';
  const severity = params.get('severity') ?? '';
  const roots = me.scopes.filter((s) => s !== NATIONAL_SCOPE);
  const region = params.get('region') ?? (me.scopes.includes(NATIONAL_SCOPE) || roots.length !== 1 ? '' : roots[0]!);
  const id = useId().replace(/:/g, '');
  const [points, setPoints] = useState<TMapPoints | null>(null);
  const [boundaries, setBoundaries] = useState<TBoundaries | null>(null);
  const [risk, setRisk] = useState<TRiskList | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    const controller = new AbortController();
    setError(null);
    Promise.all([
      mapApi.points({ region: region || undefined, days, severity: severity || undefined }, controller.signal),
      mapApi.boundaries(region || null, controller.signal),
      dashboardApi.risk(region || null, controller.signal),
    ]).then(
      ([p, b, r]) => {
        setPoints(p);
        setBoundaries(b);
        setRisk(r);
      },
      (e: unknown) => {
        if (!controller.signal.aborted) setError(e);
      },
    );
    return () => controller.abort();
  }, [region, days, severity]);


  const levels = new Map((risk?.items ?? []).map((i) => [i.regionCode, i.level]));
  return (
    <div className="stack-lg map-page">
      <header className="page-head">
        <h1>{t('map.title')}</h1>
        <p className="lead">{risk?.parent ? risk.parent.name : t('dashboard.wholeScope')}</p>
      </header>
      <form className="filters card" aria-label={t('map.filters')} onSubmit={(e) => e.preventDefault()}>
        <div className="filter">
          <label htmlFor={`${id}-days`}>{t('dashboard.range')}</label>
          <select id={`${id}-days`} value={days} onChange={(e) => setFilter('days', e.target.value === '30' ? '' : e.target.value)}>
            {['7', '14', '30', '90'].map((d) => (
              <option key={d} value={d}>
                {t('dashboard.days', { n: d })}
              </option>
            ))}
          </select>
        </div>
        <div className="filter">
          <label htmlFor={`${id}-sev`}>{t('map.severity')}</label>
          <select id={`${id}-sev`} value={severity} onChange={(e) => setFilter('severity', e.target.value)}>
            <option value="">{t('map.allSeverities')}</option>
            <option value="3,4">{t('map.seriousOnly')}</option>
            <option value="4">{t('severity.4')}</option>
          </select>
        </div>
      </form>
      <ErrorAlert error={error} />
      {points === null || boundaries === null || risk === null ? (
        error ? null : <Loading />
      ) : (
        <>
          <section className="card stack" aria-labelledby="map-title">
            <h2 id="map-title">{t('map.pointsTitle')}</h2>
            <p className="muted" data-testid="map-summary">
              {t('map.summary', { located: formatNumber(points.items.length), unlocated: formatNumber(points.unlocated), days })}
              {points.truncated ? ` ${t('map.truncated', { n: formatNumber(points.items.length) })}` : ''}
            </p>
            {points.demo ? (
              <p className="notice-demo" role="note">
                {t('map.syntheticNote')}
              </p>
            ) : null}
            <LeafletMap points={points} boundaries={boundaries} levels={levels} />
            <Legend hasBoundaries={boundaries.features.length > 0} />
          </section>
          <section className="card stack" aria-labelledby="tiles-title">
            <h2 id="tiles-title">{t('map.tilesTitle')}</h2>
            <p className="muted">{boundaries.features.length > 0 ? t('map.tilesNote') : t('map.noGeometry')}</p>
            <RegionTiles items={risk.items} />
          </section>
        </>
      )}
    </div>
  );
}

function Legend({ hasBoundaries }: { hasBoundaries: boolean }) {
  const { t } = useTranslation();
  return (
    <div className="map-legend" aria-label={t('map.legend')} role="group">
      {SEVERITY_COLOURS.map((c, i) => (
        <span key={c}>
          <span className="legend-dot" style={{ background: c }} aria-hidden="true" /> {i + 1} · {t(`severity.${i + 1}`)}
        </span>
      ))}
      {hasBoundaries
        ? (['rendah', 'sedang', 'tinggi'] as const).map((l) => (
            <span key={l}>
              <span className="legend-swatch" style={{ background: LEVEL_COLOURS[l] }} aria-hidden="true" /> {t(`vulnerability.${l}`)}
            </span>
          ))
        : null}
    </div>
  );
}

function LeafletMap({ points, boundaries, levels }: { points: TMapPoints; boundaries: TBoundaries; levels: Map<string, string> }) {
  const { t } = useTranslation();
  const box = useRef<HTMLDivElement>(null);
  const mapRef = useRef<L.Map | null>(null);
  const layers = useRef<{ clusters: L.LayerGroup; regions: L.LayerGroup } | null>(null);
  const [ready, setReady] = useState(false);

  // the map itself, once: canvas renderer (works in headless browsers), outline from world-atlas
  useEffect(() => {
    if (!box.current) return;
    const map = L.map(box.current, { preferCanvas: true, renderer: L.canvas(), zoomSnap: 0.5, minZoom: 4, maxZoom: 16, attributionControl: true });
    map.attributionControl.setPrefix('Leaflet');
    map.setView([-2.5, 118], 5);
    const outline = L.layerGroup().addTo(map);
    const regions = L.layerGroup().addTo(map);
    const clusters = L.layerGroup().addTo(map);
    layers.current = { clusters, regions };
    mapRef.current = map;
    let live = true;
    void loadAtlas().then((topology) => {
      if (!live) return;
      const countries = feature(topology, topology.objects.countries as GeometryCollection) as unknown as GeoJSON.FeatureCollection;
      const near = countries.features.filter((f) => NEIGHBOURS.has(String(f.id)));
      const home = countries.features.filter((f) => String(f.id) === INDONESIA_ID);
      // one canvas draws every vector layer in the order added: the outline arrives last, so it goes to the back
      const homeLayer = L.geoJSON(home as never, { style: { color: '#5b7a8c', weight: 1.2, fillColor: '#f3f1e6', fillOpacity: 1 }, interactive: false }).addTo(outline);
      homeLayer.bringToBack();
      L.geoJSON(near as never, { style: { color: '#b8c2cc', weight: 1, fillColor: '#eef0f2', fillOpacity: 1 }, interactive: false }).addTo(outline).bringToBack();
      map.attributionControl.addAttribution('Natural Earth');
      setReady(true);
    });
    return () => {
      live = false;
      map.remove();
      mapRef.current = null;
    };
  }, []);

  // the operator's basemap, when configured
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !points.tileUrl) return;
    const layer = L.tileLayer(points.tileUrl, { attribution: points.tileAttribution ?? '', maxZoom: 18 }).addTo(map);
    layer.bringToBack();
    return () => {
      layer.remove();
    };
  }, [points.tileUrl, points.tileAttribution]);

  // imported boundaries, coloured by level
  useEffect(() => {
    const group = layers.current?.regions;
    if (!group) return;
    group.clearLayers();
    for (const f of boundaries.features) {
      const level = levels.get(f.properties.code) as keyof typeof LEVEL_COLOURS | undefined;
      L.geoJSON(f as never, {
        style: { color: '#33414d', weight: 1, fillColor: level ? LEVEL_COLOURS[level] : '#dfe5ea', fillOpacity: 0.55 },
      })
        .bindTooltip(`${f.properties.name}${level ? ` · ${t(`vulnerability.${level}`)}` : ''}`)
        .addTo(group);
    }
  }, [boundaries, levels, t]);

  // clustered points, re-clustered on every move
  const draw = useCallback(
    (index: Supercluster<PointProps, ClusterProps>) => {
      const map = mapRef.current;
      const group = layers.current?.clusters;
      if (!map || !group) return;
      group.clearLayers();
      const b = map.getBounds();
      const items = index.getClusters([b.getWest(), b.getSouth(), b.getEast(), b.getNorth()], Math.round(map.getZoom()));
      for (const c of items) {
        const [lon, lat] = c.geometry.coordinates as [number, number];
        const props = c.properties as (PointProps & { cluster?: false }) | (ClusterProps & { cluster: true; point_count: number; cluster_id: number });
        const sev = Math.min(4, Math.max(1, props.severity));
        const colour = SEVERITY_COLOURS[sev - 1]!;
        if ('cluster' in props && props.cluster) {
          const n = props.point_count;
          const marker = L.circleMarker([lat, lon], { radius: 8 + Math.min(16, Math.sqrt(n) * 2), color: '#fff', weight: 2, fillColor: colour, fillOpacity: 0.85 });
          marker.bindTooltip(t('map.cluster', { n: formatNumber(n), severity: t(`severity.${sev}`) }));
          marker.on('click', () => map.flyTo([lat, lon], Math.min(16, index.getClusterExpansionZoom(props.cluster_id))));
          marker.addTo(group);
        } else {
          const p = props as PointProps;
          L.circleMarker([lat, lon], { radius: 6, color: '#fff', weight: 1.5, fillColor: colour, fillOpacity: 0.95 })
            .bindPopup(`<a href="/laporan/${encodeURIComponent(p.id)}">${t('map.openReport')}</a> · ${t(`severity.${sev}`)}`)
            .addTo(group);
        }
      }
    },
    [t],
  );

  useEffect(() => {
    const map = mapRef.current;
    if (!map || !ready) return;
    const index = new Supercluster<PointProps, ClusterProps>({
      radius: 50,
      maxZoom: 15,
      map: (p) => ({ severity: p.severity }),
      reduce: (acc, p) => {
        acc.severity = Math.max(acc.severity, p.severity);
      },
    });
    index.load(points.items.map(([id, lat, lon, severity]) => ({ type: 'Feature', properties: { id, severity }, geometry: { type: 'Point', coordinates: [lon, lat] } })));
    // fit to what there is: the points, else the imported regions, else the whole country
    if (points.items.length > 0) {
      map.fitBounds(L.latLngBounds(points.items.map(([, lat, lon]) => [lat, lon] as [number, number])).pad(0.2), { maxZoom: 13 });
    } else if (boundaries.features.length > 0) {
      map.fitBounds(L.geoJSON(boundaries as never).getBounds().pad(0.1));
    }
    const redraw = () => draw(index);
    redraw();
    map.on('moveend', redraw);
    return () => {
      map.off('moveend', redraw);
    };
  }, [points, boundaries, ready, draw]);

  return <div ref={box} className="leaflet-box" role="region" aria-label={t('map.mapLabel')} data-testid="map" />;
}

import {
  NATIONAL_SCOPE,
  REGION_LEVELS,
  isAncestorOfScope,
  isInScope,
  regionChainOf,
  timeZoneLabelOf,
  timeZoneOf,
  type TRegion,
  type TRegionDetail,
  type TRegionLevel,
} from '@sinergi/domain';

interface Node {
  code: string;
  name: string;
  level: TRegionLevel;
  parentCode: string | null;
  children: string[];
  /** Lower-cased name for search. */
  key: string;
  counts: { regency: number; district: number; village: number };
}

export interface RegionRow {
  code: string;
  parent_code: string | null;
  level: number;
  name: string;
}

/**
 * The region tree held in memory. It is static master data (about 91,600 rows), so every
 * read is served from here without touching the database.
 */
export class RegionStore {
  private readonly nodes = new Map<string, Node>();
  private readonly roots: string[] = [];

  constructor(rows: readonly RegionRow[]) {
    for (const row of rows) {
      const level = REGION_LEVELS[row.level - 1];
      if (!level) continue;
      this.nodes.set(row.code, {
        code: row.code,
        name: row.name,
        level,
        parentCode: row.parent_code,
        children: [],
        key: row.name.toLowerCase(),
        counts: { regency: 0, district: 0, village: 0 },
      });
    }
    for (const node of this.nodes.values()) {
      if (node.parentCode === null) this.roots.push(node.code);
      else this.nodes.get(node.parentCode)?.children.push(node.code);
      if (node.level !== 'province') {
        for (const ancestor of regionChainOf(node.code).slice(0, -1)) {
          const a = this.nodes.get(ancestor);
          if (a) a.counts[node.level] += 1;
        }
      }
    }
    const byCode = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    this.roots.sort(byCode);
    for (const node of this.nodes.values()) node.children.sort(byCode);
  }

  get size(): number {
    return this.nodes.size;
  }

  has(code: string): boolean {
    return this.nodes.has(code);
  }

  levelOf(code: string): TRegionLevel | null {
    return this.nodes.get(code)?.level ?? null;
  }

  nameOf(code: string): string | null {
    return this.nodes.get(code)?.name ?? null;
  }

  /** Count regions by level across the whole tree. */
  countByLevel(): Record<TRegionLevel, number> {
    const out: Record<TRegionLevel, number> = { province: 0, regency: 0, district: 0, village: 0 };
    for (const node of this.nodes.values()) out[node.level] += 1;
    return out;
  }

  /** Regions a user may see in full, or navigate through (ancestors of their scope). */
  isVisible(code: string, scopes: readonly string[]): boolean {
    return isInScope(code, scopes) || isAncestorOfScope(code, scopes);
  }

  private present(node: Node, scopes: readonly string[]): TRegion {
    return {
      code: node.code,
      name: node.name,
      level: node.level,
      parentCode: node.parentCode,
      childCount: node.children.length,
      inScope: isInScope(node.code, scopes),
    };
  }

  /** Children of `parent` (or the provinces) that the scope can see. */
  children(parent: string | null, scopes: readonly string[]): TRegion[] {
    const codes = parent === null ? this.roots : (this.nodes.get(parent)?.children ?? []);
    const out: TRegion[] = [];
    for (const code of codes) {
      if (!this.isVisible(code, scopes)) continue;
      out.push(this.present(this.nodes.get(code)!, scopes));
    }
    return out;
  }

  /** Search by name (case-insensitive substring) or code prefix, inside the scope only. */
  search(text: string, scopes: readonly string[], limit: number): TRegion[] {
    const needle = text.trim().toLowerCase();
    const isCode = /^\d{2}(\.\d{0,4})*$/.test(needle);
    const roots = scopes.includes(NATIONAL_SCOPE) ? this.roots : scopes;
    const hits: { node: Node; rank: number }[] = [];
    const visit = (code: string) => {
      const node = this.nodes.get(code);
      if (!node) return;
      const rank = isCode
        ? node.code.startsWith(needle) ? node.code.length : -1
        : node.key === needle ? 0 : node.key.startsWith(needle) ? 1 : node.key.includes(needle) ? 2 : -1;
      if (rank >= 0) hits.push({ node, rank });
      for (const child of node.children) visit(child);
    };
    for (const root of roots) visit(root);
    const levelRank = (l: TRegionLevel) => REGION_LEVELS.indexOf(l);
    hits.sort((a, b) => a.rank - b.rank || levelRank(a.node.level) - levelRank(b.node.level) || (a.node.code < b.node.code ? -1 : 1));
    return hits.slice(0, limit).map((h) => this.present(h.node, scopes));
  }

  /** One region with its path and descendant counts, or null when unknown. */
  detail(code: string, scopes: readonly string[]): TRegionDetail | null {
    const node = this.nodes.get(code);
    if (!node) return null;
    return {
      ...this.present(node, scopes),
      path: regionChainOf(code).map((c) => {
        const n = this.nodes.get(c)!;
        return { code: n.code, name: n.name, level: n.level };
      }),
      descendantCounts: { ...node.counts },
      timeZone: timeZoneOf(code),
      timeZoneLabel: timeZoneLabelOf(code),
    };
  }

  /** All region codes of one level under a region (e.g. the villages of a district). */
  descendantsAt(code: string, level: TRegionLevel): string[] {
    const out: string[] = [];
    const visit = (c: string) => {
      const node = this.nodes.get(c);
      if (!node) return;
      if (node.level === level) {
        out.push(c);
        return;
      }
      for (const child of node.children) visit(child);
    };
    visit(code);
    return out;
  }
}

import type * as JsonPathPlus from 'jsonpath-plus';
import { lazyModule } from '../../engine/lazy-module.ts';
import type { SplitType } from './split-xml.ts';

const jsonpathPlus = lazyModule<typeof JsonPathPlus>('jsonpath-plus');

interface Found {
  value: unknown;
  pointer: string;
  parent: unknown;
}

/**
 * Cuts a JSON document at a JSONPath (a Causeway extension: CPI's splitter has no JSONPath). A path
 * to one array splits its elements (`$.items` and `$.items[*]` mean the same); otherwise every match
 * is an item.
 *
 * Iterating: a part is the item, or an array of `grouping` items. General: a part is the whole
 * document with the array cut down to the part's items, so the envelope (an order header) stays.
 * Every part gets its own copy, so steps that change a part cannot change another or the original.
 */
export function splitJson(root: unknown, path: string, type: SplitType, grouping: number): unknown[] {
  const found = jsonpathPlus().JSONPath({
    path,
    json: root as object,
    resultType: 'all',
    wrap: true,
  }) as Found[];
  let items: unknown[];
  let container: string | undefined;
  if (found.length === 1 && Array.isArray(found[0].value)) {
    items = found[0].value;
    container = found[0].pointer;
  } else {
    items = found.map((f) => f.value);
    const parent = found[0]?.parent;
    if (Array.isArray(parent) && found.every((f) => f.parent === parent)) {
      container = found[0].pointer.slice(0, found[0].pointer.lastIndexOf('/'));
    }
  }
  const groups: unknown[][] = [];
  for (let start = 0; start < items.length; start += grouping)
    groups.push(items.slice(start, start + grouping));

  if (type === 'general' && container !== undefined) {
    const segments = pointerSegments(container);
    // The envelope without the items, copied once per part: the big array is never copied whole.
    const skeleton = replaceAt(root, segments, []);
    return groups.map((group) =>
      replaceAt(structuredClone(skeleton), segments, structuredClone(group), true),
    );
  }
  return groups.map((group) => structuredClone(grouping === 1 ? group[0] : group));
}

function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
}

/**
 * `root` with the value at `segments` replaced. Copies the objects on the way (so the original stays
 * as it is) unless `inPlace`, for a copy made just before.
 */
function replaceAt(root: unknown, segments: string[], value: unknown, inPlace = false): unknown {
  if (segments.length === 0) return value;
  const [head, ...rest] = segments;
  const node = root as Record<string, unknown>;
  const copy = inPlace ? node : Array.isArray(node) ? [...node] : { ...node };
  (copy as Record<string, unknown>)[head] = replaceAt(node[head], rest, value, inPlace);
  return copy;
}

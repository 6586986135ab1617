/** Where a value sits in a flow file, as keys and indexes from the document root. */
export type Path = ReadonlyArray<string | number>;

/** `steps[2].router.routes[0]`: a path as people read it in messages and step ids. */
export function formatPath(path: Path): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${key}` : key;
  }
  return out;
}

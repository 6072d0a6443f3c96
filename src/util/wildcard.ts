// Shell-style wildcards (* any run, ? one character), case-insensitive, over whole names:
// case ids in conform's --case and expectations, metric names in compare's tolerances.
export function wildcardRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

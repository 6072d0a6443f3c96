// "Did you mean ...?" for misspelt keys and names.

/**
 * The candidate nearest to `word` by edit distance, if it is near enough to be a likely typo,
 * or else the one candidate that starts with it (an abbreviation such as 'abort').
 */
export function closestWord(word: string, candidates: readonly string[]): string | undefined {
  const extending = candidates.filter(
    (c) => word.length >= 3 && c.toLowerCase().startsWith(word.toLowerCase()),
  );
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  if (bestDistance <= Math.max(1, Math.floor(word.length / 3))) return best;
  return extending.length === 1 ? extending[0] : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(substitution, (previous[j] as number) + 1, (current[j - 1] as number) + 1));
    }
    previous = current;
  }
  return previous[b.length] as number;
}

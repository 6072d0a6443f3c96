// The house rules for imports (README, "Layout"): no cycles between files or between the
// folders of src/, and no import from a lower layer into a higher one. Layers, low to high:
//   1 util, stats   2 history, results, check/findings.ts   3 protocol, netfault
//   4 check, judge  5 server, endpoint, load, conform, k8s   6 report   7 cli
// Within a layer the folders have an order too (e.g. load may use endpoint and server, not
// the reverse), so that no two folders can ever import each other.
const ORDER = [
  ['util'],
  ['stats'],
  ['history'],
  ['results'],
  ['protocol'],
  ['netfault'],
  ['check'],
  ['judge'],
  ['server'],
  ['endpoint'],
  ['load'],
  ['conform'],
  ['k8s'],
  ['report'],
  ['cli'],
];

// The checker's findings are a contract the results carry: a file of check/ below results/.
const FINDINGS = '^src/check/findings\\.ts$';

const upward = ORDER.flatMap(([folder], i) => {
  const higher = ORDER.slice(i + 1).map(([f]) => f);
  if (higher.length === 0) return [];
  return [
    {
      name: `layer-${folder}`,
      comment: `src/${folder} is below ${higher.join(', ')}: it must not import them`,
      severity: 'error',
      from: { path: `^src/${folder}/` },
      to: {
        path: `^src/(${higher.join('|')})/`,
        // history and above may use the findings contract; util and stats may not.
        ...(i >= 2 && higher.includes('check') ? { pathNot: FINDINGS } : {}),
      },
    },
  ];
});

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Files never import each other in a circle, directly or through others.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'findings-is-a-contract',
      comment: 'check/findings.ts sits below results/: it imports nothing above util and stats.',
      severity: 'error',
      from: { path: FINDINGS },
      to: { path: '^src/', pathNot: ['^src/(util|stats)/', FINDINGS] },
    },
    ...upward,
    {
      name: 'scripts-not-tests',
      comment: 'Scripts use test/support/, never test files themselves.',
      severity: 'error',
      from: { path: '^scripts/' },
      to: { path: '^test/', pathNot: '^test/support/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports count: a cycle of types is still a cycle of folders.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs'] },
  },
};

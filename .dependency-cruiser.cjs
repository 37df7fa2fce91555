// The package graph's rules (REVIEW.md §7, STYLE.md "The house"); `.ci/run` checks them with
// `pnpm deps:check`. Workspace packages resolve through their package.json `exports` to dist/,
// so rules name both src/ and dist/ paths.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'No import cycle, within a package or across packages.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'libraries-never-import-apps',
      severity: 'error',
      from: { path: '^(packages|models)/' },
      to: { path: '^apps/' },
    },
    {
      name: 'coordinator-loads-no-inference',
      severity: 'error',
      comment:
        'A coordinator process must not load sharp or onnxruntime, directly or through any package it imports (test/coordinator-process.test.ts checks the running process too).',
      from: { path: '^(packages/coordinator/src/(?!.*\\.test\\.ts$)|apps/coordinator/src/main\\.ts$)' },
      to: { path: 'node_modules/.*/(sharp|onnxruntime-node)/', reachable: true },
    },
    {
      name: 'coordinator-imports-no-worker-side-package',
      severity: 'error',
      from: { path: '^packages/coordinator/src/(?!.*\\.test\\.ts$)' },
      to: { path: '^packages/(worker|inference|launcher|testkit|dashboard)/' },
    },
    {
      name: 'client-is-the-contract',
      severity: 'error',
      comment: '@idunno/client depends on grpc-js and the generated proto only.',
      from: { path: '^packages/client/src/(?!.*\\.test\\.ts$)' },
      to: { path: '^(packages|models|apps)/', pathNot: '^packages/(client|proto)/' },
    },
    {
      name: 'testkit-only-in-tests-and-benches',
      severity: 'error',
      comment:
        'testkit is test sugar: production code (anything but tests and the benches in bench/) must not import it.',
      from: {
        path: '^(packages|apps|models)/',
        pathNot: ['\\.test\\.[jt]s$', '^packages/testkit/'],
      },
      to: { path: '^packages/testkit/' },
    },
    {
      name: 'nothing-imports-the-benches',
      severity: 'error',
      comment: 'bench/ measures the product; no package, app or test depends on it.',
      from: { path: '^(packages|apps|models|test)/' },
      to: { path: '^bench/' },
    },
    {
      name: 'benches-import-public-indexes',
      severity: 'error',
      comment:
        'A bench reaches a package only through its index, so it times what a user of the package gets.',
      from: { path: '^bench/' },
      to: { path: '^(packages/[^/]+|models)/src/' },
    },
    {
      name: 'siblings-import-the-public-index',
      severity: 'error',
      comment: "A package imports another only through its index (the package.json 'exports').",
      from: { path: '^(packages|apps|models)/([^/]+)/' },
      to: { path: '^packages/[^/]+/src/', pathNot: '^packages/$2/' },
    },
  ],
  options: {
    // The graph holds this repository's modules (workspace packages resolve to their dist/ through
    // package.json exports, and are followed, so reachability rules see through them) and, of the
    // third-party packages, only the native inference ones, as leaves.
    includeOnly: [
      '^(packages|apps|models|test|bench)/',
      'node_modules/\\.pnpm/(sharp|onnxruntime-node)@[^/]+/node_modules/(sharp|onnxruntime-node)/',
    ],
    doNotFollow: {
      dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-bundled', 'npm-no-pkg'],
    },
    // dist/ is cruised too (workspace packages resolve there), but not its declarations, maps or compiled tests.
    exclude: { path: ['(^|/)dist/.*\\.(d\\.ts|map)$', '(^|/)dist/.*\\.test\\.js$'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'default'] },
  },
};

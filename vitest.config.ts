import { defineConfig } from 'vitest/config';

// Unit tests live next to their code (src/**/*.test.ts, bench/lib); cluster tests in test/.
// Tests import built siblings (dist/) through package exports, so `pnpm build` runs first.
export default defineConfig({
  test: {
    include: [
      '{apps,packages}/*/src/**/*.test.ts',
      'models/src/**/*.test.ts',
      'test/**/*.test.ts',
      'bench/**/*.test.ts',
    ],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default', './infra/vitest-summary.ts'],
    // Two cores: cluster tests start many processes; keep files from oversubscribing the machine.
    maxWorkers: 2,
    fileParallelism: true,
  },
});

import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'strategies/**/*.test.ts', 'test/**/*.test.ts', 'bench/**/*.test.ts', 'web/src/**/*.test.ts'],
    // Scratch copies (bench/.tmp, gitignored) are not the project's tests.
    exclude: [...configDefaults.exclude, 'bench/.tmp/**'],
    // Randomised order catches tests that depend on each other (ARCHITECTURE §12).
    sequence: { shuffle: true },
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});

// Lint: type-aware rules (floating promises are lost orders) and the layer picture of
// ARCHITECTURE.md enforced as import restrictions, so imports point one way only.
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import reactHooks from 'eslint-plugin-react-hooks';

/** Layers from the bottom up; a layer may import only from layers before it (and itself). */
const layers = [
  ['core'],
  ['model'],
  ['bus'],
  ['data', 'indicators', 'features', 'heads', 'consensus', 'risk', 'portfolio', 'execution', 'sim', 'strategy', 'storage', 'ml', 'rl', 'llm'],
  ['kernel'],
  ['backtest', 'live'],
  ['adapters'],
  ['api', 'cli'],
];

const zones = layers.flatMap((layer, index) => {
  const higher = layers.slice(index + 1).flat();
  if (higher.length === 0) return [];
  return layer.map((dir) => ({
    target: `./src/${dir}`,
    from: higher.map((h) => `./src/${h}`),
    message: `src/${dir} sits below these layers (ARCHITECTURE.md, "Layers"); move the shared piece down instead.`,
  }));
});

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'web/dist/**', 'coverage/**', 'data/**', 'bench/.tmp/**', 'test-results/**'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      'import-x/no-cycle': ['error', { maxDepth: 8 }],
      'import-x/no-restricted-paths': ['error', { zones }],
    },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
  },
  {
    // The dashboard (web/, its own tsconfig): hooks called in order, effects that list what they read.
    files: ['web/**/*.ts', 'web/**/*.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
);

import js from '@eslint/js';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/**
 * The layering of the project (see README "Layout"): `core/` is the pure shared domain, `lib/` the CDK app,
 * `lambda/` the runtime code and `local/` the offline world. `lambda/` and `local/` never import `lib/` (only
 * the local harness and demo build the CDK app to run it), `lib/` never imports `lambda/`, and `core/`
 * imports none of them, nor the CDK or the AWS SDK.
 */
const layers = [
  {
    target: './lambda',
    from: './lib',
    message:
      'lambda/ is runtime code: it must not import CDK code from lib/. Shared domain code belongs in core/.',
  },
  {
    target: './local/!(harness|demo)/**/*',
    from: './lib',
    message:
      'local/ must not import CDK code from lib/ (only local/harness and local/demo build the app). Shared domain code belongs in core/.',
  },
  {
    target: './lib',
    from: './lambda',
    message:
      'lib/ is CDK code: it must not import handler code from lambda/. Shared domain code belongs in core/.',
  },
  {
    target: './core',
    from: ['./lib', './lambda', './local', './bin'],
    message: 'core/ is the pure shared domain: it imports nothing from the layers built on it.',
  },
];

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', '.personalize-local/', 'coverage/', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json'] })],
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'import-x/no-restricted-paths': ['error', { zones: layers }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  {
    files: ['core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['aws-cdk-lib', 'aws-cdk-lib/*', 'constructs', 'cdk-nag', 'cdk-nag/*'],
              message: 'core/ is free of CDK.',
            },
            { group: ['@aws-sdk/*', '@smithy/*'], message: 'core/ is free of the AWS SDK.' },
          ],
        },
      ],
    },
  },
);

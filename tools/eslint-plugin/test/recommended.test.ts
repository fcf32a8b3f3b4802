import { dirname } from 'node:path';
import { ESLint } from 'eslint';
import curio, { configs, rules } from '../src/index.js';
import { asEslintConfig, filename, header, typedLanguageOptions } from './rule-tester.js';

describe('the recommended config', () => {
  it('turns on both rules, which report a forgotten yield* and a yield of an Operation', async () => {
    const eslint = new ESLint({
      overrideConfigFile: true,
      cwd: dirname(filename),
      overrideConfig: [
        { files: ['**/*.ts'], languageOptions: typedLanguageOptions },
        asEslintConfig(configs.recommended),
      ],
    });
    const [result] = await eslint.lintText(`${header}function* main() {\n  sleep(10);\n  yield sock.recv(10);\n}\n`, { filePath: filename });
    expect(result.messages.map((m) => [m.ruleId, m.line])).toEqual([
      ['@curio/no-floating-operation', 5],
      ['@curio/no-yield-operation', 6],
    ]);
  });

  it('is registered under the plugin with every rule', () => {
    expect(Object.keys(curio.rules)).toEqual(['no-floating-operation', 'no-yield-operation']);
    expect(Object.keys(configs.recommended.rules)).toEqual(Object.keys(rules).map((name) => `@curio/${name}`));
  });
});

// `make lint` runs ESLint over the browser code, its tests and tools (`npx eslint .`): the
// recommended rules plus a few that catch what matters in code that protects reporters: strict
// equality, no code from strings, no globals made by accident, no unused names.
import js from "@eslint/js";
import globals from "globals";

export default [
  { ignores: ["node_modules/"] },
  js.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2024,
      sourceType: "module",
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      eqeqeq: ["error", "always"],
      "no-eval": "error",
      "no-implied-eval": "error",
      "no-new-func": "error",
      "no-implicit-globals": "error",
      "no-unused-vars": ["error", { args: "after-used", caughtErrors: "none", argsIgnorePattern: "^_" }],
      "no-var": "error",
      "prefer-const": "error",
      "no-shadow": "error",
      "no-throw-literal": "error",
      "no-self-compare": "error",
      "no-unmodified-loop-condition": "error",
      "no-await-in-loop": "off",
      "no-console": "off",
      "default-case-last": "error",
      "no-param-reassign": "error",
      curly: ["error", "multi-line"],
    },
  },
  {
    // What runs in the page and its workers: browser globals, nothing from node.
    files: ["src/**/*.js"],
    languageOptions: { globals: { ...globals.browser, ...globals.worker } },
    rules: { "no-console": "error" },
  },
  {
    // The tests, the build and the tools run in node (the tests also fake browser objects).
    files: ["test/**/*.js", "tools/**/*.mjs", "build.mjs", "eslint.config.js"],
    languageOptions: { globals: { ...globals.node } },
  },
];

import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";
import prettier from "eslint-config-prettier/flat";

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  globalIgnores([
    ".next/**",
    "bench/bare-next/.next/**",
    ".data/**",
    "node_modules/**",
    "lib/db/generated/**",
    "next-env.d.ts",
    "playwright-report/**",
    "test-results/**",
  ]),
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/ban-ts-comment": "error",
      "@typescript-eslint/no-non-null-assertion": "error",
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // Pages, actions and route handlers stay thin: every query is a named function in lib/<domain>/.
    // Route tests may still read the database to check what a request wrote.
    files: ["app/**", "components/**"],
    ignores: ["**/*.test.ts", "**/*.test.tsx"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "^(@/|(\\.\\./)+)lib/db(/(?!generated/).*)?$",
              message: "app/ and components/ do not query the database: call a named function of lib/<domain>/.",
            },
            {
              regex: "^(@/|(\\.\\./)+)lib/db/generated/",
              allowTypeImports: true,
              message: "Only types come from the Prisma client here; queries are named functions of lib/<domain>/.",
            },
          ],
        },
      ],
    },
  },
  {
    // Production code (lib/, app/, components/) never depends on test support or on the simulators.
    // Tests beside the code (*.test.ts) may import both: that is what tests/support/ and simulators/ are for.
    files: ["{lib,app,components}/**/*.{ts,tsx}", "proxy.ts", "instrumentation.ts"],
    ignores: ["**/*.test.{ts,tsx}"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "^(@/|(\\.\\./)+)(simulators|tests)(/|$)",
              message: "Production code must not import simulators/ or tests/: test support belongs in tests/support/.",
            },
          ],
        },
      ],
    },
  },
  {
    // Playwright fixtures call their continuation `use`, which is not React's hook.
    files: ["e2e/**"],
    rules: { "react-hooks/rules-of-hooks": "off" },
  },
  // Formatting is Prettier's (npm run format); ESLint keeps to correctness.
  prettier,
]);

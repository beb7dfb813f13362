// Property tests and the fuzz test draw a fresh seed per run and name their
// tests after it; Stryker finds a mutant's tests by name, so a run uses one
// seed throughout (test/helpers/mutate-seed.ts; Stryker's workers inherit the
// environment). Set MESOSIM_MUTATE_SEED or FUZZ_SEED to try another.
process.env.MESOSIM_MUTATE_SEED ??= "1";
process.env.FUZZ_SEED ??= "1";
// Fewer property runs per mutant than `npm test` does (40 and 150): every
// surviving mutant runs every property test that covers it. By the planted-bug
// table in docs/testing.md, 30 roles runs still find the hardest of those bugs
// (once in 17 runs) with probability ≈ 84 %; most are found within 5 runs.
process.env.MESOSIM_PROP_RUNS ??= "10";
process.env.MESOSIM_ROLES_RUNS ??= "30";
// The decision-record property (25 runs by default) alone took 60 % of the
// allocator's covering tests' time, which every surviving mutant pays.
process.env.DECISION_RUNS ??= "3";

/**
 * Mutation testing of the core (docs/testing.md): `npm run mutate`, or
 * `npm run mutate -- --mutate engine/heap.ts` for one file.
 *
 * Incremental: results are kept in reports/stryker-incremental.json, so a
 * re-run after a small change only tests the mutants of changed code (or of
 * code whose covering tests changed). `-- --force` re-runs everything.
 *
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
	testRunner: "vitest",
	vitest: { configFile: "vitest.mutate.config.ts", related: false },
	checkers: ["typescript"],
	tsconfigFile: "tsconfig.json",
	typescriptChecker: { prioritizePerformanceOverAccuracy: true },
	coverageAnalysis: "perTest",
	mutate: [
		"engine/**/*.ts",
		"master/**/*.ts",
		"!master/http/**",
		"!master/protocol/**",
		"agents/**/*.ts",
		"frameworks/chameleon/spec/**/*.ts",
		"frameworks/chameleon/patterns/**/*.ts",
		"!**/index.ts",
	],
	// Tests that run in-process against the core. Left out: tests that read the
	// source text (layers, no-wall-clock: instrumented code differs), spawn the
	// CLI or other processes (e2e, interop, bench, client-cli), or measure wall time.
	testFiles: [
		"test/unit/!(layers|no-wall-clock|live-gc).test.ts",
		"test/property/*.test.ts",
		"test/api/!(client-cli|live).test.ts",
	],
	ignorePatterns: ["reports", "dist", "coverage", ".vitest.json", "test/interop/mesos-go"],
	incremental: true,
	incrementalFile: "reports/stryker-incremental.json",
	reporters: ["clear-text", "progress", "html", "json"],
	htmlReporter: { fileName: "reports/mutation/index.html" },
	jsonReporter: { fileName: "reports/mutation/mutation.json" },
	tempDirName: ".stryker-tmp",
	cleanTempDir: true,
	concurrency: 2,
	// The initial run of the whole selection takes minutes on a 2-core machine.
	dryRunTimeoutMinutes: 60,
	timeoutMS: 10_000,
	timeoutFactor: 2,
	// Leaves out mutants in static initialisers (run once at import, they make
	// every test run again); their values are covered by the tests of their users.
	ignoreStatic: true,
	thresholds: { high: 90, low: 85, break: null },
};

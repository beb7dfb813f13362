/**
 * Setup file of the mutation-testing runs (vitest.mutate.config.ts).
 *
 * @fast-check/vitest names each property test "… (with seed=N)" with a fresh
 * seed per import. Stryker maps mutants to the tests that cover them by name
 * in its first run, then runs each mutant with a name filter: with a new seed
 * every import, no property test would match and none would ever run against
 * a mutant. One seed for the whole run (MESOSIM_MUTATE_SEED, set by
 * stryker.config.mjs) keeps the names, and the results comparable between
 * incremental runs.
 */
import { fc } from "@fast-check/vitest";

const seed = Number(process.env.MESOSIM_MUTATE_SEED);
if (Number.isSafeInteger(seed)) fc.configureGlobal({ ...fc.readConfigureGlobal(), seed });

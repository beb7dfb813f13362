/**
 * vitest as mutation testing runs it (stryker.config.mjs): the suite's config
 * plus a fixed property-test seed, and test files sharing one module graph per
 * worker (isolate: false). With isolation, vitest imported the code again for
 * every test file of every mutant, and that import was most of a mutant's cost.
 */
import { mergeConfig } from "vitest/config";
import base from "./vitest.config.js";

export default mergeConfig(base, { test: { setupFiles: ["test/helpers/mutate-seed.ts"], isolate: false } });

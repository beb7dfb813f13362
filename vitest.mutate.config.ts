/** vitest as mutation testing runs it (stryker.config.mjs): the suite's config plus a fixed property-test seed. */
import { mergeConfig } from "vitest/config";
import base from "./vitest.config.js";

export default mergeConfig(base, { test: { setupFiles: ["test/helpers/mutate-seed.ts"] } });

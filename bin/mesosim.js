#!/usr/bin/env node
// mesosim's command line. Runs the TypeScript sources through tsx, so
// `npx mesosim` works right after `npm install`, with no build step.
import { register } from "tsx/esm/api";

register();
const { main } = await import(new URL("../sim/cli/main.ts", import.meta.url).href);
process.exitCode = await main(process.argv);

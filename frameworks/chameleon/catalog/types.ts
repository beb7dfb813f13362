/** A catalog entry: a chameleon spec that impersonates a well-known framework. */
import type { PatternName } from "../patterns/index.js";
import type { ChameleonSpecInput } from "../spec/schema.js";

export interface CatalogExpectation {
	/** "running": exactly this many tasks RUNNING at `within`; "launched": at least this many launched by then. */
	measure: "running" | "launched";
	tasks: number;
	/** Simulated time to run on the test cluster (12 agents of 8 cpus, 32 GB, 200 GB disk). */
	within: string;
	/** Count only this group. */
	group?: string;
}

export interface CatalogEntry {
	name: string;
	/** One line. */
	description: string;
	patterns: readonly PatternName[];
	/** The spec (input form, without name); users' fields are deep-merged over it. */
	spec: Omit<ChameleonSpecInput, "name" | "package">;
	/** The steady task count the tests expect on a small cluster. */
	expected: CatalogExpectation;
	/** Where the defaults come from (docs/workloads.md). */
	source: string;
}

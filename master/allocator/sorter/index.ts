/**
 * The sorters: the `Sorter` interface and its two implementations, chosen
 * once per sorter by kind (master flags `roleSorter`, `frameworkSorter`).
 */
import type { Rng } from "../../../engine/index.js";
import { DrfSorter } from "./drf.js";
import { RandomSorter } from "./random.js";
import type { Sorter, SorterKind } from "./types.js";

export { DrfSorter } from "./drf.js";
export { RandomSorter } from "./random.js";
export type { Scalars, SortedClient, Sorter, SorterKind } from "./types.js";

/**
 * A sorter of `kind`. `hierarchical`: client names are "/"-separated paths
 * (roles); false: flat (frameworks). `rng` is drawn from only by the random
 * sorter.
 */
export function createSorter(
	kind: SorterKind,
	hierarchical: boolean,
	excludedResources: readonly string[],
	rng: Rng,
): Sorter {
	return kind === "random"
		? new RandomSorter(hierarchical, excludedResources, rng)
		: new DrfSorter(hierarchical, excludedResources);
}

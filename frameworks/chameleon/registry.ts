/** Builds the name -> item maps of the pattern registry and the catalog. */
import { SimError } from "../../common/errors.js";

/**
 * The items keyed by their own names, in the items' order, frozen. A name
 * given twice is a programming error, reported when the module loads.
 */
export function byName<T, V>(
	kind: string,
	items: readonly T[],
	nameOf: (item: T) => string,
	valueOf: (item: T) => V,
): Readonly<Record<string, V>> {
	const out: Record<string, V> = {};
	for (const item of items) {
		const name = nameOf(item);
		if (Object.hasOwn(out, name))
			throw new SimError("SIM_ERR_INTERNAL", `${kind} "${name}" is registered twice`);
		out[name] = valueOf(item);
	}
	return Object.freeze(out);
}

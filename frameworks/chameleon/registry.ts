/** Builds the name -> item maps of the pattern registry and the catalog. */
import { SimError } from "../../common/errors.js";

/**
 * The values keyed by their names, in the given order, frozen. A name given
 * twice is a programming error, reported when the registering module loads.
 */
export function byName<V>(
	kind: string,
	entries: readonly (readonly [string, V])[],
): Readonly<Record<string, V>> {
	const out: Record<string, V> = {};
	for (const [name, value] of entries) {
		if (Object.hasOwn(out, name))
			throw new SimError("SIM_ERR_INTERNAL", `${kind} "${name}" is registered twice`);
		out[name] = value;
	}
	return Object.freeze(out);
}

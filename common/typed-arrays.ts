/**
 * Growth of typed arrays used as dense tables indexed by small integers
 * (agent, role, chunk indices): one doubling policy for every table.
 */
type TypedArray = Uint8Array | Uint16Array | Int32Array | Uint32Array | Float64Array;

/**
 * A copy of `a` long enough to hold index `index`: its capacity doubled
 * (from at least 16) until the index fits; new slots hold `fill`. Callers
 * test `index >= a.length` first, so this is off the hot path.
 */
export function grownToFit<T extends TypedArray>(a: T, index: number, fill = 0): T {
	let cap = Math.max(16, 2 * a.length);
	while (cap <= index) cap *= 2;
	const b = new (a.constructor as new (length: number) => T)(cap);
	if (fill !== 0) b.fill(fill);
	(b as Uint8Array).set(a as Uint8Array);
	return b;
}

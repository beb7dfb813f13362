/** Name rules (roles, groups) and "did you mean" suggestions by edit distance. */

const ROLE_SEGMENT = /^[A-Za-z0-9_.-]+$/;
const GROUP_NAME = /^[A-Za-z0-9_.-]+$/;

/**
 * Checks a role name as Mesos does (src/common/roles.cpp), restricted to a
 * portable character set. Returns what is wrong, or null if it is valid.
 */
export function roleNameProblem(name: string): string | null {
	if (name === "*") return null;
	if (name === "") return "a role name must not be empty";
	if (name.startsWith("/") || name.endsWith("/")) return 'a role name must not start or end with "/"';
	for (const segment of name.split("/")) {
		if (segment === "") return 'a role name must not contain "//"';
		if (segment === "." || segment === "..") return `role segment "${segment}" is not allowed`;
		if (segment.startsWith("-")) return `role segment "${segment}" must not start with "-"`;
		if (!ROLE_SEGMENT.test(segment))
			return `role segment "${segment}" may contain only letters, digits, "_", "." and "-" (or the whole role is "*")`;
	}
	return null;
}

/** Agent group names end up in hostnames: letters, digits, "_", "." and "-". */
export function groupNameProblem(name: string): string | null {
	return GROUP_NAME.test(name) ? null : 'a group name may contain only letters, digits, "_", "." and "-"';
}

/**
 * Edit distance with adjacent transpositions (optimal string alignment):
 * insert, delete, substitute or swap two neighbours, each costing 1.
 */
export function editDistance(a: string, b: string): number {
	if (a === b) return 0;
	if (a.length === 0) return b.length;
	if (b.length === 0) return a.length;
	const w = b.length + 1;
	const d = new Array<number>((a.length + 1) * w).fill(0);
	for (let i = 0; i <= a.length; i++) d[i * w] = i;
	for (let j = 0; j <= b.length; j++) d[j] = j;
	for (let i = 1; i <= a.length; i++) {
		for (let j = 1; j <= b.length; j++) {
			const cost = a[i - 1] === b[j - 1] ? 0 : 1;
			let v = Math.min(d[(i - 1) * w + j]! + 1, d[i * w + j - 1]! + 1, d[(i - 1) * w + j - 1]! + cost);
			if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
				v = Math.min(v, d[(i - 2) * w + j - 2]! + 1);
			d[i * w + j] = v;
		}
	}
	return d[a.length * w + b.length]!;
}

/** The closest candidate to `word`, if it is close enough to be a likely typo. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
	const lower = word.toLowerCase();
	let best: string | undefined;
	let bestDistance = Number.POSITIVE_INFINITY;
	for (const c of candidates) {
		const d = editDistance(lower, c.toLowerCase());
		if (d < bestDistance) {
			best = c;
			bestDistance = d;
		}
	}
	if (best === undefined) return undefined;
	const limit = Math.max(1, Math.floor(Math.max(word.length, best.length) / 3));
	return bestDistance <= limit ? best : undefined;
}

/** ` (did you mean "x"?)` or "". */
export function suggestion(word: string, candidates: Iterable<string>): string {
	const s = didYouMean(word, candidates);
	return s === undefined ? "" : ` (did you mean "${s}"?)`;
}

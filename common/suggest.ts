/**
 * "Did you mean": the one place that decides whether a mistyped name is close
 * to a known one. Every message that suggests a name (scenario fields, agent
 * groups, frameworks, packages, patterns, CLI options and commands) asks here,
 * so they all follow the same rule:
 *
 *   score = edit distance (case-insensitive, adjacent swaps cost 1), or 1 when
 *           one name is a prefix of the other and the shorter has >= 3 characters
 *   close = score <= max(1, floor(longer length / 3))
 *
 * Matches are ranked by score, then edit distance, then the candidates' own
 * order (a registry's order is meaningful; alphabetical would not be).
 */

/** The shortest prefix that counts as naming the longer name ("kub" for "kubernetes"). */
const MIN_PREFIX = 3;

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

/** The known names close to `word`, best first, at most `max`. */
export function closeMatches(word: string, candidates: Iterable<string>, max = 3): string[] {
	const lower = word.toLowerCase();
	const scored: { name: string; score: number; distance: number }[] = [];
	for (const name of candidates) {
		const other = name.toLowerCase();
		const distance = editDistance(lower, other);
		const shorter = Math.min(lower.length, other.length);
		const prefix = shorter >= MIN_PREFIX && (other.startsWith(lower) || lower.startsWith(other));
		const score = prefix ? Math.min(distance, 1) : distance;
		if (score <= Math.max(1, Math.floor(Math.max(word.length, name.length) / 3)))
			scored.push({ name, score, distance });
	}
	// Array.prototype.sort is stable: equal scores keep the candidates' order.
	scored.sort((a, b) => a.score - b.score || a.distance - b.distance);
	return scored.slice(0, max).map((m) => m.name);
}

/** The closest known name to `word`, if it is close enough to be a likely typo. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
	return closeMatches(word, candidates, 1)[0];
}

/** ` (did you mean "x"?)`, or "" when nothing is close. */
export function suggestion(word: string, candidates: Iterable<string>): string {
	const s = didYouMean(word, candidates);
	return s === undefined ? "" : ` (did you mean "${s}"?)`;
}

/** `; close matches: a, b`, or `; available: <all>` when nothing is close (for short registries). */
export function closeMatchesOrAll(word: string, candidates: readonly string[]): string {
	const close = closeMatches(word, candidates);
	return close.length > 0 ? `; close matches: ${close.join(", ")}` : `; available: ${candidates.join(", ")}`;
}

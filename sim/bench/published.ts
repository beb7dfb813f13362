/**
 * Apache Mesos's published allocator figures (docs/mesos-rules.md §7),
 * for `--compare`. They were measured on other hardware, by other builds, in
 * other years: they say what order of magnitude Mesos's own allocator had,
 * not how fast it would be on this machine.
 */
import type { BenchmarkName } from "./allocator.js";

export interface PublishedFigure {
	benchmark: BenchmarkName;
	agents: number;
	frameworks: number;
	variant?: string;
	/** What was measured: "round" (one allocation cycle) or "empty round". */
	what: "round" | "empty round" | "add agents";
	ms: number;
	source: string;
}

export const PUBLISHED: readonly PublishedFigure[] = [
	{
		benchmark: "DeclineOffers",
		agents: 2000,
		frameworks: 200,
		what: "round",
		ms: 2920,
		source: "MESOS-4694 (Mesos 0.26–0.28)",
	},
	{
		benchmark: "DeclineOffers",
		agents: 2000,
		frameworks: 2000,
		what: "round",
		ms: 28_200,
		source: "MESOS-4694 (Mesos 0.26–0.28)",
	},
	{
		benchmark: "DeclineOffers",
		agents: 10_000,
		frameworks: 1000,
		what: "round",
		ms: 1060,
		source: "8665335 (2018-09, r/68808, optimized build), DeclineOffers/21",
	},
	{
		benchmark: "DeclineOffers",
		agents: 10_000,
		frameworks: 1000,
		what: "add agents",
		ms: 1610,
		source: "8665335 (2018-09), add 10k agents",
	},
	{
		benchmark: "DeclineOffers",
		agents: 10_000,
		frameworks: 3000,
		what: "round",
		ms: 2470,
		source: "6abe32f (2019-04), DeclineOffers/22 median round",
	},
	{
		benchmark: "LargeAndSmallQuota",
		agents: 3000,
		frameworks: 3000,
		variant: "drf",
		what: "round",
		ms: 15_390,
		source: "7303313 (2019), LargeAndSmallQuota/2: 3500 allocations",
	},
	{
		benchmark: "LargeAndSmallQuota",
		agents: 3000,
		frameworks: 3000,
		variant: "drf",
		what: "empty round",
		ms: 13_720,
		source: "7303313 (2019), LargeAndSmallQuota/2: the empty cycle",
	},
];

/** Cells that have a published figure (what `--compare` runs when no cell is chosen). */
export function publishedCells(): {
	benchmark: BenchmarkName;
	agents: number;
	frameworks: number;
	variant?: string;
}[] {
	const seen = new Set<string>();
	const out: { benchmark: BenchmarkName; agents: number; frameworks: number; variant?: string }[] = [];
	for (const p of PUBLISHED) {
		const key = `${p.benchmark}/${p.agents}/${p.frameworks}/${p.variant ?? ""}`;
		if (seen.has(key)) continue;
		seen.add(key);
		out.push({
			benchmark: p.benchmark,
			agents: p.agents,
			frameworks: p.frameworks,
			...(p.variant === undefined ? {} : { variant: p.variant }),
		});
	}
	return out;
}

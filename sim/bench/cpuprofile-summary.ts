/**
 * Sums self time per function in a V8 .cpuprofile (node --cpu-prof) and
 * prints the top entries: the quickest way to see where a benchmark's time
 * goes. Usage:
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof bin/mesosim.js bench allocator --agents 10000 --frameworks 1000 -q
 *   npx tsx sim/bench/cpuprofile-summary.ts /tmp/prof/CPU.*.cpuprofile [top=30] [under=NAME]
 *
 * `under=cycle` counts only the samples taken inside a function named
 * `cycle` (e.g. the allocation cycle, leaving out a benchmark's set-up).
 */
import { readFileSync } from "node:fs";

interface ProfileNode {
	id: number;
	callFrame: { functionName: string; url: string; lineNumber: number };
	hitCount?: number;
	children?: number[];
}

interface CpuProfile {
	nodes: ProfileNode[];
	startTime: number;
	endTime: number;
	samples: number[];
	timeDeltas: number[];
}

export interface SelfTime {
	name: string;
	ms: number;
	share: number;
}

/** Self time per function (name + file:line), largest first. */
export function selfTimes(profile: CpuProfile, under?: string): SelfTime[] {
	const byId = new Map<number, ProfileNode>();
	const parent = new Map<number, number>();
	for (const n of profile.nodes) {
		byId.set(n.id, n);
		for (const c of n.children ?? []) parent.set(c, n.id);
	}
	const inside = (id: number): boolean => {
		for (let p: number | undefined = id; p !== undefined; p = parent.get(p))
			if (byId.get(p)?.callFrame.functionName === under) return true;
		return false;
	};
	const ms = new Map<string, number>();
	let total = 0;
	for (let i = 0; i < profile.samples.length; i++) {
		if (under !== undefined && !inside(profile.samples[i]!)) continue;
		const node = byId.get(profile.samples[i]!);
		const dt = (profile.timeDeltas[i] ?? 0) / 1000;
		total += dt;
		if (node === undefined) continue;
		const f = node.callFrame;
		const file = f.url
			.replace(/^file:\/\//, "")
			.replace(/^.*\/(master|sim|agents|frameworks|node_modules)\//, "$1/");
		const name = `${f.functionName || "(anonymous)"} ${file}:${f.lineNumber + 1}`;
		ms.set(name, (ms.get(name) ?? 0) + dt);
	}
	return [...ms.entries()]
		.map(([name, t]) => ({ name, ms: t, share: total > 0 ? t / total : 0 }))
		.sort((a, b) => b.ms - a.ms);
}

function main(argv: string[]): void {
	const file = argv[0];
	if (file === undefined) {
		process.stderr.write("usage: tsx sim/bench/cpuprofile-summary.ts FILE.cpuprofile [top]\n");
		process.exitCode = 2;
		return;
	}
	const top = Number(argv[1] ?? 30);
	const under = argv[2]?.startsWith("under=") ? argv[2].slice(6) : undefined;
	const rows = selfTimes(JSON.parse(readFileSync(file, "utf8")) as CpuProfile, under);
	for (const r of rows.slice(0, top))
		process.stdout.write(
			`${r.ms.toFixed(1).padStart(9)} ms ${(r.share * 100).toFixed(1).padStart(5)}%  ${r.name}\n`,
		);
}

if (process.argv[1]?.endsWith("cpuprofile-summary.ts")) main(process.argv.slice(2));

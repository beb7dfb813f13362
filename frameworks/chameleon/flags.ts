/**
 * DC/OS-style scenarios from flags, for demos without a file:
 *
 *   mesosim run --agents 1000 --package kubernetes --package hdfs --package spark:my-spark \
 *               --package pattern:poissonBatch:etl --duration 1h
 *
 * `--package NAME` installs catalog entry NAME under its own name;
 * `NAME:ALIAS` installs it under another name (so one package can run twice);
 * `pattern:PATTERN[:ALIAS]` runs a bare pattern with its defaults, as one
 * group, under ALIAS (default: the pattern's name). Agents are identical:
 * `agentShape` "cpus/mem/disk[/gpus]" (MB; default 8/32768/204800), with
 * rack (20 hosts each) and zone (3) attributes so constraints have something
 * to bite on. Pure functions returning plain data: scenarioFromFlags builds
 * the input of validateScenario; describePackage / listPackages feed
 * `mesosim package list|describe`.
 */
import { type SimError, simError } from "../../common/errors.js";
import { formatCount, LIMITS, limitTail } from "../../common/limits.js";
import { closeMatchesOrAll } from "../../common/suggest.js";
import {
	CATALOG,
	type CatalogEntry,
	findPackage,
	PACKAGE_NAMES,
	unknownPackageMessage,
} from "./catalog/index.js";
import {
	isPatternName,
	PATTERN_NAMES,
	PATTERNS,
	type PatternName,
	requirementMessage,
} from "./patterns/index.js";
import { resolveChameleonSpec } from "./spec/index.js";

export interface AgentShapeFlag {
	cpus: number;
	mem: number;
	disk?: number;
	gpus?: number;
}

export interface ScenarioFlags {
	/** Number of agents (>= 1). */
	agents: number;
	/** "cpus/mem/disk[/gpus]" (MB) or an object; default 8/32768/204800. */
	agentShape?: string | AgentShapeFlag;
	/** "kubernetes", "spark:my-spark", "pattern:poissonBatch:etl". */
	packages: readonly string[];
	/** A duration ("1h", "90m") or seconds. */
	duration: string | number;
	seed?: number;
	/** Scenario name (default "flags"). */
	name?: string;
}

export const DEFAULT_AGENT_SHAPE = "8/32768/204800";

function bad(flag: string, value: string, reason: string): SimError {
	return simError("SIM_ERR_BAD_FLAG", { flag, value: JSON.stringify(value), reason });
}

/** Parses "8/32768/204800[/1]". Throws SIM_ERR_BAD_FLAG. */
export function parseAgentShape(text: string): AgentShapeFlag {
	const parts = text.split("/").map((p) => p.trim());
	const nums = parts.map(Number);
	if (
		parts.length < 2 ||
		parts.length > 4 ||
		nums.some((n, k) => parts[k] === "" || !Number.isFinite(n) || n < 0)
	)
		throw bad("--agent-shape", text, 'write cpus/mem/disk[/gpus] in MB, e.g. "8/32768/204800"');
	const [cpus, mem, disk, gpus] = nums as [number, number, number | undefined, number | undefined];
	if (cpus <= 0 || mem <= 0) throw bad("--agent-shape", text, "cpus and mem must be greater than 0");
	const out: AgentShapeFlag = { cpus, mem };
	if (disk !== undefined) out.disk = disk;
	if (gpus !== undefined) out.gpus = gpus;
	return out;
}

/** One --package value as a chameleon framework entry of a scenario. Throws SIM_ERR_BAD_FLAG. */
export function frameworkFromFlag(value: string): Record<string, unknown> {
	const parts = value.split(":").map((p) => p.trim());
	if (parts.some((p) => p === ""))
		throw bad("--package", value, "write NAME, NAME:ALIAS or pattern:PATTERN[:ALIAS] (no empty parts)");
	if (parts[0] === "pattern") {
		const pattern = parts[1];
		if (pattern === undefined || parts.length > 3)
			throw bad("--package", value, "write pattern:PATTERN or pattern:PATTERN:ALIAS");
		if (!isPatternName(pattern))
			throw bad(
				"--package",
				value,
				`unknown pattern ${JSON.stringify(pattern)}${closeMatchesOrAll(pattern, PATTERN_NAMES)}`,
			);
		// A field the pattern needs and has no default for (traceReplay's trace) cannot come from a flag.
		const meta = PATTERNS[pattern];
		const missing = meta.requires?.find((r) => !Object.hasOwn(meta.defaults, r.field));
		if (missing !== undefined)
			throw bad(
				"--package",
				value,
				`${requirementMessage(pattern, missing)}; write it in a scenario (see docs/chameleon.md)`,
			);
		const name = parts[2] ?? pattern;
		return { type: "chameleon", name, groups: [{ name, pattern }] };
	}
	if (parts.length > 2) throw bad("--package", value, "write NAME or NAME:ALIAS");
	const [pkg, alias] = parts as [string, string | undefined];
	if (findPackage(pkg) === undefined) throw bad("--package", value, unknownPackageMessage(pkg));
	return { type: "chameleon", name: alias ?? pkg, package: pkg };
}

/** A plain scenario (input form of validateScenario) from DC/OS-style flags. Throws SIM_ERR_BAD_FLAG. */
export function scenarioFromFlags(flags: ScenarioFlags): Record<string, unknown> {
	if (!Number.isInteger(flags.agents) || flags.agents < 1)
		throw bad("--agents", String(flags.agents), "must be an integer >= 1");
	if (flags.agents > LIMITS.agents)
		throw bad(
			"--agents",
			String(flags.agents),
			`${formatCount(flags.agents)} agents; ${limitTail("agents")}`,
		);
	if (flags.packages.length > LIMITS.frameworks)
		throw bad(
			"--package",
			flags.packages[LIMITS.frameworks]!,
			`${formatCount(flags.packages.length)} frameworks from --package/--pattern; ${limitTail("frameworks")}`,
		);
	const shape =
		flags.agentShape === undefined
			? parseAgentShape(DEFAULT_AGENT_SHAPE)
			: typeof flags.agentShape === "string"
				? parseAgentShape(flags.agentShape)
				: flags.agentShape;
	const frameworks = flags.packages.map(frameworkFromFlag);
	const seen = new Map<string, string>();
	flags.packages.forEach((p, k) => {
		const name = String(frameworks[k]!.name);
		const prev = seen.get(name);
		if (prev !== undefined)
			throw bad(
				"--package",
				p,
				`framework name ${JSON.stringify(name)} is already used by --package ${prev}; run it under another name, e.g. ${p.startsWith("pattern:") ? `${p.split(":").slice(0, 2).join(":")}:${name}-2` : `${p.split(":")[0]}:${name}-2`}`,
			);
		seen.set(name, p);
	});
	const agent: Record<string, unknown> = {
		group: "agent",
		count: flags.agents,
		cpus: shape.cpus,
		mem: shape.mem,
		disk: shape.disk ?? 0,
		hostname: "agent-{i}",
		attributes: { rack: "r{i / 20}", zone: "z{i % 3}" },
	};
	if (shape.gpus !== undefined && shape.gpus > 0) agent.gpus = shape.gpus;
	const scenario: Record<string, unknown> = {
		name: flags.name ?? "flags",
		duration: flags.duration,
		agents: [agent],
		frameworks,
	};
	if (flags.seed !== undefined) scenario.seed = flags.seed;
	return scenario;
}

// ---- package list / describe --------------------------------------------------------

export interface PackageSummary {
	name: string;
	description: string;
	patterns: string[];
	/** Tasks it settles at on a small cluster (see `expected`). */
	expectedTasks: number;
}

export interface GroupSummary {
	name: string;
	pattern: string;
	instances: number | null;
	cpus: number | null;
	mem: number | null;
	disk: number | null;
	ports: number;
	constraints: (string | number)[][];
	after: string | null;
}

export interface PackageDescription extends PackageSummary {
	source: string;
	expected: CatalogEntry["expected"];
	offerPolicy: Record<string, number | boolean>;
	thinkTime: { perBatchMs: number; perTaskMs: number };
	groups: GroupSummary[];
	/** The catalog spec as written (what --package merges your fields over). */
	spec: Record<string, unknown>;
}

export function listPackages(): PackageSummary[] {
	return PACKAGE_NAMES.map((n) => {
		const e = CATALOG[n]!;
		return {
			name: e.name,
			description: e.description,
			patterns: [...e.patterns],
			expectedTasks: e.expected.tasks,
		};
	});
}

/** Everything about one package, as plain data. Unknown name: SimError SIM_ERR_USAGE listing close matches. */
export function describePackage(name: string): PackageDescription {
	const e = findPackage(name);
	if (e === undefined) throw simError("SIM_ERR_USAGE", { reason: unknownPackageMessage(name) });
	const config = resolveChameleonSpec({ package: name }, name);
	const constOf = (d: { kind: string; value?: number }) => (d.kind === "const" ? (d.value ?? null) : null);
	return {
		name: e.name,
		description: e.description,
		patterns: [...e.patterns],
		expectedTasks: e.expected.tasks,
		expected: { ...e.expected },
		source: e.source,
		offerPolicy: { ...config.offerPolicy },
		thinkTime: { ...config.thinkTime },
		groups: config.groups.map((g) => ({
			name: g.name,
			pattern: g.pattern,
			instances: Number.isFinite(g.instances) ? g.instances : null,
			cpus: constOf(g.resources.cpus),
			mem: constOf(g.resources.mem),
			disk: constOf(g.resources.disk),
			ports: g.resources.ports,
			constraints: (e.spec.groups.find((x) => x.name === g.name)?.constraints ?? []).map((c) => [...c]),
			after: g.after,
		})),
		spec: JSON.parse(JSON.stringify(e.spec)) as Record<string, unknown>,
	};
}

export interface PatternSummary {
	name: PatternName;
	description: string;
	stresses: string;
	fields: string[];
}

export function listPatterns(): PatternSummary[] {
	return PATTERN_NAMES.map((n) => ({
		name: n,
		description: PATTERNS[n].description,
		stresses: PATTERNS[n].stresses,
		fields: [...PATTERNS[n].fields],
	}));
}

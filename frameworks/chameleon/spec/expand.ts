/**
 * Spec expansion, before validation: a spec `file` read and merged under the
 * entry's own fields, the `package` (a catalog entry) deep-merged under the
 * user's fields (objects merge, arrays replace; `groups` written as a map by
 * name merges into the package's groups of those names), and each group's
 * pattern defaults merged under its own fields.
 */
import { IssueList, issuesError, type Locator, type Path } from "../../../common/schema/issues.js";
import { parseSource } from "../../../common/schema/source.js";
import { suggestion } from "../../../common/suggest.js";
import { findPackage, unknownPackageMessage } from "../catalog/index.js";
import { isPatternName, PATTERNS } from "../patterns/index.js";
import type { ResolveOptions } from "./resolve.js";

export function isPlainObject(v: unknown): v is Record<string, unknown> {
	return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * `over` deep-merged over `base`: objects merge, arrays and scalars replace;
 * an object with a `kind` (a distribution, an arrival process) is replaced
 * whole. Inputs are not modified.
 */
export function deepMerge(base: unknown, over: unknown): unknown {
	if (over === undefined) return clone(base);
	if (!isPlainObject(base) || !isPlainObject(over) || "kind" in over) return clone(over);
	const out: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(base)) out[k] = clone(v);
	for (const [k, v] of Object.entries(over)) out[k] = k in out ? deepMerge(out[k], v) : clone(v);
	return out;
}

function clone(v: unknown): unknown {
	if (Array.isArray(v)) return v.map(clone);
	if (isPlainObject(v)) {
		const out: Record<string, unknown> = {};
		for (const [k, x] of Object.entries(v)) out[k] = clone(x);
		return out;
	}
	return v;
}

/**
 * The user's raw fields with the package merged in and pattern defaults
 * applied to each group. Throws SimError for an unknown package or a
 * `groups` map naming a group the package does not have (located by `locate`
 * when the spec is a file of its own).
 */
export function expandSpec(
	raw: Record<string, unknown>,
	path: Path = [],
	locate?: Locator,
): Record<string, unknown> {
	const issues = new IssueList(locate);
	let merged: Record<string, unknown> = raw;
	const pkg = raw.package;
	if (typeof pkg === "string") {
		const entry = findPackage(pkg);
		if (entry === undefined) {
			issues.add([...path, "package"], unknownPackageMessage(pkg));
			throw issuesError(issues.issues);
		}
		const { groups: userGroups, ...rest } = raw;
		const base = clone(entry.spec) as Record<string, unknown>;
		merged = deepMerge(base, rest) as Record<string, unknown>;
		if (isPlainObject(userGroups)) {
			const groups = (base.groups as Record<string, unknown>[]).map(
				(g) => clone(g) as Record<string, unknown>,
			);
			const names = groups.map((g) => String(g.name));
			for (const [name, fields] of Object.entries(userGroups)) {
				const k = names.indexOf(name);
				if (k < 0) {
					issues.add(
						[...path, "groups", name],
						`package ${JSON.stringify(pkg)} has no group ${JSON.stringify(name)}${suggestion(name, names)} (its groups: ${names.join(", ")})`,
						{ anchor: "key" },
					);
					continue;
				}
				groups[k] = deepMerge(groups[k], fields) as Record<string, unknown>;
			}
			if (issues.length > 0) throw issuesError(issues.issues);
			merged.groups = groups;
		} else if (userGroups !== undefined) merged.groups = clone(userGroups);
		merged.package = pkg;
	}
	const groups = merged.groups;
	if (Array.isArray(groups)) {
		merged = {
			...merged,
			groups: groups.map((g) => {
				if (!isPlainObject(g) || typeof g.pattern !== "string") return g;
				return isPatternName(g.pattern) ? deepMerge(PATTERNS[g.pattern].defaults, g) : g;
			}),
		};
	}
	return merged;
}

/** The fields of `raw.file` (a YAML/JSON spec) with the entry's own fields deep-merged over them. */
export function withFile(
	raw: Record<string, unknown>,
	path: Path,
	options: ResolveOptions,
): Record<string, unknown> {
	const file = raw.file;
	if (typeof file !== "string") return raw;
	const { file: _file, ...rest } = raw;
	const fail = (message: string): never => {
		const issues = new IssueList(options.locate);
		issues.add([...path, "file"], message);
		throw issuesError(issues.issues);
	};
	if (options.readText === undefined) return fail("spec files cannot be read here; write the spec inline");
	let text = "";
	try {
		text = options.readText(file);
	} catch (err) {
		fail(`cannot read ${JSON.stringify(file)}: ${(err as Error).message}`);
	}
	const value = parseSource(text, file).value;
	if (!isPlainObject(value))
		return fail(`${file} must hold a chameleon spec (an object with groups or a package)`);
	return deepMerge(value, rest) as Record<string, unknown>;
}

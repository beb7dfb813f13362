/**
 * The extension point of the chameleon: what a workload pattern gives the
 * framework. A pattern is one file exporting `name` (the one place its name
 * is written) and `meta: PatternMeta`; patterns/index.ts registers it with one
 * line. The spec schema, the resolution, the CLI and the docs read the
 * registry, never a list of their own.
 */
import type { Path } from "../../../common/schema/issues.js";
import type { GroupConfig, OfferPolicy } from "../spec/config.js";
import type { GroupInput } from "../spec/schema.js";
import type { Host, Pattern } from "./base.js";

/** A group field the pattern cannot run without (after its defaults are applied). */
export interface RequiredField {
	field: string;
	/** Said after `<pattern> needs "<field>"`, e.g. "(a CSV path or rows)". */
	hint?: string;
}

/** `gang needs "gangSize"`: the message for a group that lacks a required field. */
export function requirementMessage(pattern: string, r: RequiredField): string {
	return `${pattern} needs "${r.field}"${r.hint === undefined ? "" : ` ${r.hint}`}`;
}

export interface PatternMeta {
	/** One line: what it does. */
	description: string;
	/** What it stresses in the scheduler (docs/workloads.md §5). */
	stresses: string;
	/** Group fields it takes besides the common ones (COMMON_GROUP_FIELDS in spec/schema.ts). */
	fields: readonly string[];
	/** `instances` when the group gives none. */
	defaultInstances: number;
	/** Input-form defaults deep-merged under the group's own fields. */
	defaults: Record<string, unknown>;
	/** Fields a group of this pattern must have once its defaults are applied. */
	requires?: readonly RequiredField[];
	/** Offer-policy defaults of a framework that has a group of this pattern (its own fields still win). */
	offerPolicyDefaults?: Partial<Omit<OfferPolicy, "unfitRefuseSeconds">>;
	/**
	 * What the pattern adds to the common resolution of a group: checks that
	 * only make sense for it (`problem` takes a path relative to the group)
	 * and fields it implies (it may change `group`).
	 */
	refine?(group: GroupConfig, input: GroupInput, problem: (path: Path, message: string) => void): void;
	create(cfg: GroupConfig, host: Host): Pattern;
}

/** What a pattern file exports: its name and its meta. */
export interface PatternModule {
	readonly name: string;
	readonly meta: PatternMeta;
}

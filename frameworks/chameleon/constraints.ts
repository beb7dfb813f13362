/**
 * Placement constraints in Marathon's syntax: `[field, operator, value?]`,
 * where field is `hostname` or any agent attribute. Operators:
 *
 *   UNIQUE            no two tasks of the group on the same value
 *   CLUSTER [v]       every task on value v (without v: on the value of the first task)
 *   GROUP_BY [n]      spread evenly over the values (n: how many values to expect)
 *   MAX_PER n         at most n tasks per value
 *   LIKE re           the value matches the regular expression (whole value)
 *   UNLIKE re         the value does not match (a missing attribute passes)
 *   IS v              the value is exactly v
 *
 * Constraints apply to one group's live tasks (launched and not yet ended),
 * as Marathon applies them to one app's instances. A missing attribute fails
 * every operator except UNLIKE.
 */
import type { Attribute, Offer } from "../../master/protocol/index.js";

export const CONSTRAINT_OPS = ["UNIQUE", "CLUSTER", "GROUP_BY", "MAX_PER", "LIKE", "UNLIKE", "IS"] as const;
export type ConstraintOp = (typeof CONSTRAINT_OPS)[number];

export type Constraint =
	| { field: string; op: "UNIQUE" }
	| { field: string; op: "CLUSTER"; value: string | null }
	| { field: string; op: "GROUP_BY"; groups: number }
	| { field: string; op: "MAX_PER"; max: number }
	| { field: string; op: "LIKE" | "UNLIKE"; value: string; re: RegExp }
	| { field: string; op: "IS"; value: string };

/** Parses one `[field, op, value?]`; returns a problem (with the index it concerns) or the constraint. */
export function parseConstraint(
	raw: readonly (string | number)[],
): Constraint | { problem: string; index: number } {
	const [f, o, v] = raw;
	if (typeof f !== "string" || f === "") return { problem: "the field must be a non-empty string", index: 0 };
	if (raw.length > 3) return { problem: "a constraint is [field, operator, value?]", index: 3 };
	const op = String(o).toUpperCase();
	const value = v === undefined ? undefined : String(v);
	switch (op) {
		case "UNIQUE":
			if (value !== undefined) return { problem: "UNIQUE takes no value", index: 2 };
			return { field: f, op };
		case "CLUSTER":
			return { field: f, op, value: value ?? null };
		case "GROUP_BY": {
			if (value === undefined) return { field: f, op, groups: 0 };
			const n = Number(value);
			if (!Number.isInteger(n) || n < 1)
				return { problem: `GROUP_BY takes a number of values >= 1 (got ${JSON.stringify(v)})`, index: 2 };
			return { field: f, op, groups: n };
		}
		case "MAX_PER": {
			const n = Number(value);
			if (value === undefined || !Number.isInteger(n) || n < 1)
				return { problem: `MAX_PER needs a number >= 1 (got ${JSON.stringify(v)})`, index: 2 };
			return { field: f, op, max: n };
		}
		case "LIKE":
		case "UNLIKE": {
			if (value === undefined) return { problem: `${op} needs a regular expression`, index: 2 };
			try {
				return { field: f, op, value, re: new RegExp(`^(?:${value})$`) };
			} catch (err) {
				return { problem: `invalid regular expression: ${(err as Error).message}`, index: 2 };
			}
		}
		case "IS":
			if (value === undefined) return { problem: "IS needs a value", index: 2 };
			return { field: f, op, value };
		default:
			return {
				problem: `unknown operator ${JSON.stringify(o)} (one of ${CONSTRAINT_OPS.join(", ")})`,
				index: 1,
			};
	}
}

/** The text value of an attribute as Marathon compares it. */
export function attributeText(a: Attribute): string {
	switch (a.type) {
		case "TEXT":
			return a.text?.value ?? "";
		case "SCALAR":
			return String(a.scalar?.value ?? 0);
		case "SET":
			return (a.set?.item ?? []).join(",");
		case "RANGES":
			return `[${(a.ranges?.range ?? []).map((r) => `${r.begin}-${r.end}`).join(",")}]`;
	}
}

/** A field's value on an offer's agent, or undefined when the agent lacks the attribute. */
export function fieldValue(offer: Offer, field: string): string | undefined {
	if (field === "hostname") return offer.hostname;
	for (const a of offer.attributes ?? []) if (a.name === field) return attributeText(a);
	return undefined;
}

/** Live-task counts per field value for one group, and the checks against them. */
export class ConstraintTracker {
	readonly constraints: readonly Constraint[];
	/** field -> value -> live tasks. */
	readonly #counts = new Map<string, Map<string, number>>();
	/** field -> values seen on any offer (GROUP_BY spreads over them). */
	readonly #seen = new Map<string, Set<string>>();
	readonly #fields: string[];
	readonly #groupBy: boolean;

	constructor(constraints: readonly Constraint[]) {
		this.constraints = constraints;
		this.#fields = [...new Set(constraints.map((c) => c.field))];
		this.#groupBy = constraints.some((c) => c.op === "GROUP_BY");
		for (const f of this.#fields) this.#counts.set(f, new Map());
	}

	get empty(): boolean {
		return this.constraints.length === 0;
	}

	/** Has a GROUP_BY (it must see every offer's values). */
	get spreads(): boolean {
		return this.#groupBy;
	}

	/** The constrained fields' values on this offer (undefined entries for missing attributes). */
	valuesOf(offer: Offer): Map<string, string | undefined> {
		const out = new Map<string, string | undefined>();
		for (const f of this.#fields) out.set(f, fieldValue(offer, f));
		return out;
	}

	/** Remembers the values an offer shows (GROUP_BY spreads over every value seen). */
	observe(values: ReadonlyMap<string, string | undefined>): void {
		if (!this.#groupBy) return;
		for (const c of this.constraints) {
			if (c.op !== "GROUP_BY") continue;
			const v = values.get(c.field);
			if (v === undefined) continue;
			let s = this.#seen.get(c.field);
			if (s === undefined) {
				s = new Set();
				this.#seen.set(c.field, s);
			}
			s.add(v);
		}
	}

	count(field: string, value: string): number {
		return this.#counts.get(field)?.get(value) ?? 0;
	}

	/** Whether one more task may go on an agent with these values. */
	allows(values: ReadonlyMap<string, string | undefined>): boolean {
		return this.violated(values) === null;
	}

	/** The first constraint one more task on an agent with these values would break (null: none). */
	violated(values: ReadonlyMap<string, string | undefined>): Constraint | null {
		for (const c of this.constraints) {
			const v = values.get(c.field);
			if (c.op === "UNLIKE") {
				if (v !== undefined && c.re.test(v)) return c;
				continue;
			}
			if (v === undefined) return c;
			const counts = this.#counts.get(c.field)!;
			switch (c.op) {
				case "UNIQUE":
					if ((counts.get(v) ?? 0) > 0) return c;
					break;
				case "MAX_PER":
					if ((counts.get(v) ?? 0) >= c.max) return c;
					break;
				case "IS":
					if (v !== c.value) return c;
					break;
				case "LIKE":
					if (!c.re.test(v)) return c;
					break;
				case "CLUSTER":
					if (c.value !== null) {
						if (v !== c.value) return c;
					} else {
						for (const [other, n] of counts) if (n > 0 && other !== v) return c;
					}
					break;
				case "GROUP_BY":
					if ((counts.get(v) ?? 0) > this.#fewest(c, v, counts)) return c;
					break;
			}
		}
		return null;
	}

	/** GROUP_BY: the fewest live tasks on any value of the field (values seen on offers, with tasks, and `v`). */
	#fewest(c: Constraint & { op: "GROUP_BY" }, v: string, counts: ReadonlyMap<string, number>): number {
		let known = 0;
		let min = Number.POSITIVE_INFINITY;
		const seen = this.#seen.get(c.field);
		const values = new Set<string>(seen ?? []);
		for (const [other, n] of counts) if (n > 0) values.add(other);
		values.add(v);
		for (const other of values) {
			known++;
			const n = counts.get(other) ?? 0;
			if (n < min) min = n;
		}
		return c.groups > known ? 0 : min; // values not seen yet count as empty
	}

	/**
	 * Why `c` (from `violated`) rules out an agent with these values, in words
	 * for the framework's reason records: `hostname UNIQUE: a task of web
	 * already runs on hostname host-3`. `group` names the tasks counted.
	 */
	describeViolation(c: Constraint, values: ReadonlyMap<string, string | undefined>, group: string): string {
		const rule = constraintParts(c).join(" ");
		const v = values.get(c.field);
		if (v === undefined) return `${rule}: the agent has no ${c.field} attribute`;
		const counts = this.#counts.get(c.field) ?? new Map<string, number>();
		const n = counts.get(v) ?? 0;
		switch (c.op) {
			case "UNIQUE":
				return `${rule}: a task of ${group} already runs on ${c.field} ${v}`;
			case "MAX_PER":
				return `${rule}: ${n} tasks of ${group} already run on ${c.field} ${v} (at most ${c.max})`;
			case "IS":
			case "CLUSTER":
				if (c.op === "IS" || c.value !== null) return `${rule}: the agent's ${c.field} is ${v}`;
				for (const [other, k] of counts)
					if (k > 0 && other !== v)
						return `${rule}: the tasks of ${group} run on ${c.field} ${other}, not ${v}`;
				return `${rule}: the agent's ${c.field} is ${v}`;
			case "LIKE":
				return `${rule}: the agent's ${c.field} ${v} does not match`;
			case "UNLIKE":
				return `${rule}: the agent's ${c.field} ${v} matches`;
			case "GROUP_BY":
				return `${rule}: ${n} tasks of ${group} run on ${c.field} ${v}, only ${this.#fewest(c, v, counts)} on the emptiest value`;
		}
	}

	add(values: ReadonlyMap<string, string | undefined>, delta: 1 | -1): void {
		for (const f of this.#fields) {
			const v = values.get(f);
			if (v === undefined) continue;
			const m = this.#counts.get(f)!;
			const n = (m.get(v) ?? 0) + delta;
			if (n <= 0) m.delete(v);
			else m.set(v, n);
		}
	}
}

/** Renders a constraint as written: ["hostname", "MAX_PER", "1"]. */
export function formatConstraint(c: Constraint): string {
	return JSON.stringify(constraintParts(c));
}

/** A constraint's field, operator and value as written. */
function constraintParts(c: Constraint): string[] {
	const parts: string[] = [c.field, c.op];
	if (c.op === "CLUSTER" && c.value !== null) parts.push(c.value);
	if (c.op === "GROUP_BY" && c.groups > 0) parts.push(String(c.groups));
	if (c.op === "MAX_PER") parts.push(String(c.max));
	if (c.op === "LIKE" || c.op === "UNLIKE" || c.op === "IS") parts.push(c.value);
	return parts;
}

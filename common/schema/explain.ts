/**
 * Turns a value that fails the TypeBox schema into human problems: one per
 * wrong field, naming it by path and saying what it must be and what it got,
 * e.g. `must be an integer >= 0 (got "ten")`, and unknown fields with a
 * did-you-mean suggestion. TypeBox's compiled validator decides validity
 * (validate.ts); this walker only explains. It understands the subset of
 * JSON Schema the scenario schema uses: object (properties, required,
 * additionalProperties, patternProperties), array (items, minItems), string
 * (minLength), number/integer (minimum, exclusiveMinimum, maximum), boolean,
 * null, const, and anyOf (discriminated by a const property when its branches
 * are objects).
 */
import type { TSchema } from "typebox";
import { suggestion } from "../suggest.js";
import type { IssueSink, Path } from "./issues.js";
import { X_EXPECT } from "./keywords.js";

type JsonSchema = Record<string, unknown>;

function props(s: JsonSchema): Record<string, JsonSchema> {
	return (s.properties as Record<string, JsonSchema> | undefined) ?? {};
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
	return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A short rendering of a value for "(got ...)". */
export function show(v: unknown): string {
	if (v === undefined) return "nothing";
	if (v === null) return "null";
	if (typeof v === "string") {
		const s = JSON.stringify(v);
		return s.length > 42 ? `${s.slice(0, 38)}..."` : s;
	}
	if (typeof v === "number" || typeof v === "boolean") return String(v);
	if (Array.isArray(v)) return "a list";
	if (isPlainObject(v)) return "an object";
	return typeof v;
}

function bounds(s: JsonSchema): string {
	const min = s.minimum as number | undefined;
	const xmin = s.exclusiveMinimum as number | undefined;
	const max = s.maximum as number | undefined;
	if (min !== undefined && max !== undefined) return ` from ${min} to ${max}`;
	if (xmin !== undefined && max !== undefined) return ` > ${xmin} and <= ${max}`;
	if (min !== undefined) return ` >= ${min}`;
	if (xmin !== undefined) return ` > ${xmin}`;
	if (max !== undefined) return ` <= ${max}`;
	return "";
}

/** What a schema accepts, as the end of "must be ...". */
export function describe(schema: TSchema): string {
	const s = schema as JsonSchema;
	if (typeof s[X_EXPECT] === "string") return s[X_EXPECT];
	if ("const" in s) return JSON.stringify(s.const);
	if (Array.isArray(s.anyOf)) {
		const branches = s.anyOf as JsonSchema[];
		if (branches.every((b) => "const" in b))
			return `one of ${branches.map((b) => JSON.stringify(b.const)).join(", ")}`;
		return branches.map((b) => describe(b as TSchema)).join(" or ");
	}
	switch (s.type) {
		case "integer":
			return `an integer${bounds(s)}`;
		case "number":
			return `a number${bounds(s)}`;
		case "string":
			return (s.minLength as number | undefined) === 1 ? "a non-empty string" : "a string";
		case "boolean":
			return "true or false";
		case "null":
			return "null";
		case "array":
			return "a list";
		case "object":
			return "an object";
		default:
			return "valid";
	}
}

/** Whether v has the JSON type a schema asks for (ignoring constraints). */
function typeMatches(s: JsonSchema, v: unknown): boolean {
	switch (s.type) {
		case "integer":
			return typeof v === "number" && Number.isInteger(v);
		case "number":
			return typeof v === "number" && Number.isFinite(v);
		case "string":
			return typeof v === "string";
		case "boolean":
			return typeof v === "boolean";
		case "null":
			return v === null;
		case "array":
			return Array.isArray(v);
		case "object":
			return isPlainObject(v);
		default:
			return true;
	}
}

/** The property whose const value tells the branches of an anyOf of objects apart. */
function discriminator(branches: JsonSchema[]): string | undefined {
	if (branches.length < 2 || !branches.every((b) => b.type === "object")) return undefined;
	const first = branches[0]!;
	for (const key of Object.keys(props(first))) {
		if (branches.every((b) => "const" in (props(b)[key] ?? {}))) return key;
	}
	return undefined;
}

/** Adds an issue for every way `value` breaks `schema`; returns whether it found none. */
export function explain(schema: TSchema, value: unknown, path: Path, out: IssueSink): boolean {
	const before = out.length;
	walk(schema as JsonSchema, value, path, out);
	return out.length === before;
}

function fail(s: JsonSchema, value: unknown, path: Path, out: IssueSink): void {
	out.add(path, `must be ${describe(s as TSchema)} (got ${show(value)})`);
}

function walk(s: JsonSchema, value: unknown, path: Path, out: IssueSink): void {
	if (Array.isArray(s.anyOf)) {
		walkAnyOf(s, s.anyOf as JsonSchema[], value, path, out);
		return;
	}
	if ("const" in s) {
		if (value !== s.const) fail(s, value, path, out);
		return;
	}
	if (!typeMatches(s, value)) {
		fail(s, value, path, out);
		return;
	}
	switch (s.type) {
		case "integer":
		case "number": {
			const n = value as number;
			const min = s.minimum as number | undefined;
			const xmin = s.exclusiveMinimum as number | undefined;
			const max = s.maximum as number | undefined;
			if (
				(min !== undefined && n < min) ||
				(xmin !== undefined && n <= xmin) ||
				(max !== undefined && n > max)
			)
				fail(s, value, path, out);
			return;
		}
		case "string": {
			const minLength = s.minLength as number | undefined;
			if (minLength !== undefined && (value as string).length < minLength) fail(s, value, path, out);
			return;
		}
		case "array": {
			const arr = value as unknown[];
			const minItems = s.minItems as number | undefined;
			if (minItems !== undefined && arr.length < minItems)
				out.add(path, `must have at least ${minItems} item${minItems === 1 ? "" : "s"} (got ${arr.length})`);
			const items = s.items as JsonSchema | undefined;
			if (items !== undefined)
				arr.forEach((item, i) => {
					walk(items, item, [...path, i], out);
				});
			return;
		}
		case "object":
			walkObject(s, value as Record<string, unknown>, path, out);
			return;
	}
}

function walkObject(s: JsonSchema, obj: Record<string, unknown>, path: Path, out: IssueSink): void {
	const properties = props(s);
	const required = (s.required as string[] | undefined) ?? [];
	for (const key of required) {
		if (!Object.hasOwn(obj, key) || obj[key] === undefined) {
			const expect = describe(properties[key] as TSchema);
			out.add([...path, key], `required field "${key}" is missing (${expect})`);
		}
	}
	const patterns = Object.entries((s.patternProperties as Record<string, JsonSchema> | undefined) ?? {});
	for (const [key, v] of Object.entries(obj)) {
		const p = properties[key];
		if (p !== undefined) {
			walk(p, v, [...path, key], out);
			continue;
		}
		const pattern = patterns.find(([re]) => new RegExp(re, "u").test(key));
		if (pattern !== undefined) {
			walk(pattern[1], v, [...path, key], out);
			continue;
		}
		if (s.additionalProperties === false) {
			const known = Object.keys(properties);
			const hint = suggestion(key, known);
			const rest = hint !== "" ? hint : known.length > 0 ? ` (allowed: ${known.join(", ")})` : "";
			out.add([...path, key], `unknown field "${key}"${rest}`, { anchor: "key" });
		} else if (isPlainObject(s.additionalProperties)) {
			walk(s.additionalProperties, v, [...path, key], out);
		}
	}
}

function walkAnyOf(s: JsonSchema, branches: JsonSchema[], value: unknown, path: Path, out: IssueSink): void {
	const tag = discriminator(branches);
	if (tag !== undefined && isPlainObject(value)) {
		const branch = branches.find((b) => props(b)[tag]!.const === value[tag]);
		if (branch !== undefined) {
			walk(branch, value, path, out);
			return;
		}
		const allowed = branches.map((b) => JSON.stringify(props(b)[tag]!.const)).join(", ");
		const got = value[tag];
		if (got === undefined) out.add([...path, tag], `required field "${tag}" is missing (one of ${allowed})`);
		else {
			const hint =
				typeof got === "string"
					? suggestion(
							got,
							branches.map((b) => String(props(b)[tag]!.const)),
						)
					: "";
			out.add([...path, tag], `must be one of ${allowed} (got ${show(got)})${hint}`);
		}
		return;
	}
	// Accepted by some branch: fine.
	for (const b of branches) {
		const probe = new ProbeList();
		walk(b, value, path, probe);
		if (probe.length === 0) return;
	}
	// A single branch of the value's own JSON type (e.g. the list form of
	// ports): explain against it, to point at the wrong item inside.
	const sameType = branches.filter((b) => !("const" in b) && typeMatches(b, value));
	if (sameType.length === 1 && (sameType[0]!.type === "array" || sameType[0]!.type === "object")) {
		walk(sameType[0]!, value, path, out);
		return;
	}
	if (branches.every((b) => "const" in b) && typeof value === "string") {
		const hint = suggestion(
			value,
			branches.map((b) => String(b.const)),
		);
		out.add(path, `must be ${describe(s as TSchema)} (got ${show(value)})${hint}`);
		return;
	}
	fail(s, value, path, out);
}

/** Counts issues without recording them (for trying union branches). */
class ProbeList implements IssueSink {
	length = 0;
	add(): void {
		this.length++;
	}
}

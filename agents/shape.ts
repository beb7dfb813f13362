/**
 * Agent shapes: a group of identical hosts (count, resources, attributes) and
 * the tiny template language that names them ("{group}-{i}", "r{i % 40}").
 *
 * Templates are parsed once into parts (literal text, `{group}`, or an
 * arithmetic expression compiled to a closure tree) — no eval, no Function.
 * Expression language: integer literals, the variable `i` (0-based index
 * within the group), + - * / % (integer division and modulo, both flooring),
 * unary minus and parentheses. `group` is allowed only as a whole expression.
 * `{{` and `}}` stand for literal braces.
 */
import type { AgentSpec } from "../master/protocol/agent.js";
import type { Attribute, Range } from "../master/protocol/messages.js";

export interface AgentShape {
	group: string;
	count: number;
	cpus: number;
	mem: number;
	disk: number;
	/** Default 0. */
	gpus?: number;
	/** Default [31000-32000], as a Mesos agent announces. */
	ports?: Range[];
	/** Template; default "{group}-{i}". */
	hostname?: string;
	/** A number gives a SCALAR attribute; text (possibly a template) a TEXT one. */
	attributes?: Record<string, string | number>;
}

export const DEFAULT_HOSTNAME = "{group}-{i}";
export const DEFAULT_PORTS: readonly Range[] = Object.freeze([Object.freeze({ begin: 31000, end: 32000 })]);

/** A template that does not parse, or whose expression cannot be evaluated. */
export class TemplateError extends Error {
	/** The template text. */
	readonly template: string;
	/** 1-based character position in the template where the problem is. */
	readonly position: number;

	constructor(template: string, position: number, problem: string) {
		super(`bad template ${JSON.stringify(template)}: ${problem} at position ${position}`);
		this.name = "TemplateError";
		this.template = template;
		this.position = position;
	}
}

export type Template = (i: number, group: string) => string;

type Expr = (i: number) => number;

/** Compiles a template once; the result renders it for one agent. Throws TemplateError. */
export function compileTemplate(text: string): Template {
	const parts: (string | Expr | null)[] = []; // null = {group}
	let lit = "";
	let k = 0;
	while (k < text.length) {
		const c = text[k]!;
		if (c === "{" && text[k + 1] === "{") {
			lit += "{";
			k += 2;
		} else if (c === "}" && text[k + 1] === "}") {
			lit += "}";
			k += 2;
		} else if (c === "}") {
			throw new TemplateError(text, k + 1, "unmatched '}' (write '}}' for a literal brace)");
		} else if (c === "{") {
			const close = text.indexOf("}", k + 1);
			if (close < 0) throw new TemplateError(text, k + 1, "'{' is never closed");
			if (lit !== "") parts.push(lit);
			lit = "";
			const src = text.slice(k + 1, close);
			parts.push(src.trim() === "group" ? null : new ExprParser(text, k + 1, close).parse());
			k = close + 1;
		} else {
			lit += c;
			k++;
		}
	}
	if (lit !== "") parts.push(lit);
	if (parts.length === 0) return () => "";
	if (parts.length === 1 && typeof parts[0] === "string") {
		const s = parts[0];
		return () => s;
	}
	return (i, group) => {
		let out = "";
		for (const p of parts) {
			if (p === null) out += group;
			else if (typeof p === "string") out += p;
			else out += String(p(i));
		}
		return out;
	};
}

/** Whether text contains a template expression (anything but literal text). */
export function isTemplate(text: string): boolean {
	return text.includes("{") || text.includes("}");
}

/** Recursive-descent parser for one `{...}` expression: text[start, end). */
class ExprParser {
	readonly #text: string;
	readonly #end: number;
	#pos: number;

	constructor(text: string, start: number, end: number) {
		this.#text = text;
		this.#pos = start;
		this.#end = end;
	}

	parse(): Expr {
		this.#skipWs();
		if (this.#pos >= this.#end) throw this.#error("empty expression");
		const e = this.#sum();
		this.#skipWs();
		if (this.#pos < this.#end) throw this.#error(`unexpected '${this.#text[this.#pos]}'`);
		return e;
	}

	#error(problem: string, at = this.#pos): TemplateError {
		return new TemplateError(this.#text, at + 1, problem);
	}

	#skipWs(): void {
		while (this.#pos < this.#end && /\s/.test(this.#text[this.#pos]!)) this.#pos++;
	}

	#peek(): string {
		this.#skipWs();
		return this.#pos < this.#end ? this.#text[this.#pos]! : "";
	}

	#sum(): Expr {
		let left = this.#product();
		for (;;) {
			const op = this.#peek();
			if (op !== "+" && op !== "-") return left;
			this.#pos++;
			const l = left;
			const r = this.#product();
			left = op === "+" ? (i) => l(i) + r(i) : (i) => l(i) - r(i);
		}
	}

	#product(): Expr {
		let left = this.#unary();
		for (;;) {
			const op = this.#peek();
			if (op !== "*" && op !== "/" && op !== "%") return left;
			const at = this.#pos;
			this.#pos++;
			const l = left;
			const r = this.#unary();
			if (op === "*") {
				left = (i) => l(i) * r(i);
				continue;
			}
			const text = this.#text;
			const divisor = (i: number): number => {
				const d = r(i);
				if (d === 0) throw new TemplateError(text, at + 1, `division by zero (i = ${i})`);
				return d;
			};
			left =
				op === "/"
					? (i) => Math.floor(l(i) / divisor(i))
					: (i) => {
							const d = divisor(i);
							return l(i) - d * Math.floor(l(i) / d);
						};
		}
	}

	#unary(): Expr {
		if (this.#peek() === "-") {
			this.#pos++;
			const e = this.#unary();
			return (i) => -e(i);
		}
		return this.#primary();
	}

	#primary(): Expr {
		const c = this.#peek();
		const start = this.#pos;
		if (c === "(") {
			this.#pos++;
			const e = this.#sum();
			if (this.#peek() !== ")") throw this.#error(this.#pos < this.#end ? "expected ')'" : "missing ')'");
			this.#pos++;
			return e;
		}
		if (/[0-9]/.test(c)) {
			while (this.#pos < this.#end && /[0-9]/.test(this.#text[this.#pos]!)) this.#pos++;
			const v = Number(this.#text.slice(start, this.#pos));
			if (!Number.isSafeInteger(v)) throw this.#error("number too large", start);
			return () => v;
		}
		if (/[A-Za-z_]/.test(c)) {
			while (this.#pos < this.#end && /[A-Za-z0-9_]/.test(this.#text[this.#pos]!)) this.#pos++;
			const name = this.#text.slice(start, this.#pos);
			if (name === "i") return (i) => i;
			if (name === "group") throw this.#error("'group' can only stand alone, as {group}", start);
			throw this.#error(`unknown name '${name}' (only i, or {group} alone)`, start);
		}
		if (c === "") throw this.#error("expression ends early: expected a number, 'i' or '('");
		throw this.#error(`unexpected '${c}': expected a number, 'i' or '('`);
	}
}

/** A shape with its templates compiled; the fleet keeps one per shape. */
export interface CompiledShape {
	readonly shape: AgentShape;
	/** Renders the AgentSpec of the agent with index `i` within the group. */
	spec(i: number): AgentSpec;
	hostname(i: number): string;
}

function checkQuantity(shape: AgentShape, field: string, v: unknown, integer = false): void {
	if (typeof v !== "number" || !Number.isFinite(v) || v < 0 || (integer && !Number.isInteger(v)))
		throw new RangeError(
			`agent group '${shape.group}': ${field} must be a non-negative ${integer ? "integer" : "number"}, got ${String(v)}`,
		);
}

/** Validates a shape and compiles its templates. Throws RangeError or TemplateError. */
export function compileShape(shape: AgentShape): CompiledShape {
	if (typeof shape.group !== "string" || shape.group === "")
		throw new RangeError("agent group: group must be a non-empty string");
	checkQuantity(shape, "count", shape.count, true);
	checkQuantity(shape, "cpus", shape.cpus);
	checkQuantity(shape, "mem", shape.mem);
	checkQuantity(shape, "disk", shape.disk);
	checkQuantity(shape, "gpus", shape.gpus ?? 0);
	const ports = shape.ports ?? DEFAULT_PORTS;
	for (const r of ports) {
		if (!Number.isInteger(r.begin) || !Number.isInteger(r.end) || r.begin < 0 || r.begin > r.end)
			throw new RangeError(`agent group '${shape.group}': invalid port range [${r.begin}-${r.end}]`);
	}
	// Shared, read-only: every agent of the group announces the same ranges.
	const sharedPorts = Object.freeze(
		ports.map((r) => Object.freeze({ begin: r.begin, end: r.end })),
	) as Range[];
	const group = shape.group;
	const host = compileTemplate(shape.hostname ?? DEFAULT_HOSTNAME);
	// Literal attributes are built once and shared; templated ones per agent.
	const attrs: (Attribute | { name: string; template: Template })[] = [];
	for (const [name, value] of Object.entries(shape.attributes ?? {})) {
		if (typeof value === "number") {
			if (!Number.isFinite(value))
				throw new RangeError(`agent group '${group}': attribute '${name}' must be finite, got ${value}`);
			attrs.push(Object.freeze({ name, type: "SCALAR", scalar: Object.freeze({ value }) }) as Attribute);
		} else if (typeof value === "string") {
			if (isTemplate(value)) attrs.push({ name, template: compileTemplate(value) });
			else attrs.push(Object.freeze({ name, type: "TEXT", text: Object.freeze({ value }) }) as Attribute);
		} else {
			throw new RangeError(`agent group '${group}': attribute '${name}' must be a number or text`);
		}
	}
	const cpus = shape.cpus;
	const mem = shape.mem;
	const disk = shape.disk;
	const gpus = shape.gpus ?? 0;
	return {
		shape,
		hostname: (i) => host(i, group),
		spec(i: number): AgentSpec {
			const attributes: Attribute[] = new Array(attrs.length);
			for (let k = 0; k < attrs.length; k++) {
				const a = attrs[k]!;
				attributes[k] =
					"template" in a ? { name: a.name, type: "TEXT", text: { value: a.template(i, group) } } : a;
			}
			return { hostname: host(i, group), cpus, mem, disk, gpus, ports: sharedPorts, attributes };
		},
	};
}

const compiled = new WeakMap<AgentShape, CompiledShape>();

/** The AgentSpec of agent `i` (0-based) of a shape. Throws TemplateError on a bad template. */
export function specFor(shape: AgentShape, i: number): AgentSpec {
	let c = compiled.get(shape);
	if (c === undefined) {
		c = compileShape(shape);
		compiled.set(shape, c);
	}
	return c.spec(i);
}

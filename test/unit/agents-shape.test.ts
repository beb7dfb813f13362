import { describe, expect, it } from "vitest";
import {
	type AgentShape,
	compileShape,
	compileTemplate,
	specFor,
	TemplateError,
} from "../../agents/index.js";

function templateError(text: string): TemplateError {
	try {
		compileTemplate(text);
	} catch (e) {
		if (e instanceof TemplateError) return e;
		throw e;
	}
	throw new Error(`no error for ${text}`);
}

describe("compileTemplate", () => {
	it("renders literals, i, group and arithmetic", () => {
		expect(compileTemplate("r{i % 40}")(85, "g")).toBe("r5");
		expect(compileTemplate("{group}-{i}")(7, "web")).toBe("web-7");
		expect(compileTemplate("{ group }")(0, "x")).toBe("x");
		expect(compileTemplate("plain")(3, "g")).toBe("plain");
		expect(compileTemplate("")(3, "g")).toBe("");
		expect(compileTemplate("z{i / 100 + 1}")(250, "g")).toBe("z3");
		expect(compileTemplate("{(i + 1) * 2 - -3}")(4, "g")).toBe("13");
		expect(compileTemplate("{1 + 2 * 3}")(0, "g")).toBe("7");
		expect(compileTemplate("{-i / 2}{-7 % 3}")(3, "g")).toBe("-22"); // flooring: -2, 2
		expect(compileTemplate("{{literal}} {i}")(1, "g")).toBe("{literal} 1");
	});

	it("names the problem and the position", () => {
		const e = templateError("r{i %}");
		expect(e.position).toBe(6);
		expect(e.message).toContain("position 6");
		expect(e.message).toContain("r{i %}");

		const u = templateError("rack-{j}");
		expect(u.position).toBe(7);
		expect(u.message).toMatch(/unknown name 'j'.*position 7/);

		expect(templateError("a{i").message).toMatch(/never closed at position 2/);
		expect(templateError("a}b").position).toBe(2);
		expect(templateError("x{}").message).toMatch(/empty expression/);
		expect(templateError("{group + 1}").message).toMatch(/'group' can only stand alone/);
		expect(templateError("{(i + 1}").message).toMatch(/missing '\)'/);
		expect(templateError("{i i}").position).toBe(4);
		expect(templateError("{i $ 2}").message).toMatch(/unexpected '\$'/);
	});

	it("reports division by zero at render time with its position", () => {
		const t = compileTemplate("{10 / (i - 2)}");
		expect(t(3, "g")).toBe("10");
		expect(() => t(2, "g")).toThrow(TemplateError);
		expect(() => t(2, "g")).toThrow(/division by zero.*position 5/);
	});
});

describe("specFor", () => {
	const shape: AgentShape = {
		group: "web",
		count: 100,
		cpus: 8,
		mem: 16384,
		disk: 100000,
		gpus: 1,
		ports: [{ begin: 31000, end: 31999 }],
		hostname: "{group}{i}.dc1",
		attributes: { rack: "r{i % 40}", zone: "z1", weight: 3, slot: "{i}" },
	};

	it("builds the agent spec with scalar and text attributes", () => {
		expect(specFor(shape, 85)).toEqual({
			hostname: "web85.dc1",
			cpus: 8,
			mem: 16384,
			disk: 100000,
			gpus: 1,
			ports: [{ begin: 31000, end: 31999 }],
			attributes: [
				{ name: "rack", type: "TEXT", text: { value: "r5" } },
				{ name: "zone", type: "TEXT", text: { value: "z1" } },
				{ name: "weight", type: "SCALAR", scalar: { value: 3 } },
				{ name: "slot", type: "TEXT", text: { value: "85" } },
			],
		});
	});

	it("uses defaults for hostname, gpus and ports", () => {
		const s = specFor({ group: "small", count: 2, cpus: 1, mem: 512, disk: 0 }, 1);
		expect(s.hostname).toBe("small-1");
		expect(s.gpus).toBe(0);
		expect(s.ports).toEqual([{ begin: 31000, end: 32000 }]);
		expect(s.attributes).toEqual([]);
	});

	it("rejects bad shapes and templates", () => {
		expect(() => specFor({ group: "g", count: 1, cpus: -1, mem: 1, disk: 1 }, 0)).toThrow(/cpus/);
		expect(() => specFor({ group: "g", count: 1.5, cpus: 1, mem: 1, disk: 1 }, 0)).toThrow(/count/);
		expect(() => specFor({ group: "g", count: 1, cpus: 1, mem: 1, disk: 1, hostname: "h{k}" }, 0)).toThrow(
			TemplateError,
		);
	});
});

// Written from the mutation run's survivors (docs/testing.md): each refusal is
// checked by its words, not only by being a refusal.
describe("compileTemplate: every problem in its own words", () => {
	it.each([
		["a}b", 2, "unmatched '}' (write '}}' for a literal brace)"],
		["{i +}", 5, "expression ends early: expected a number, 'i' or '('"],
		["{(i}", 4, "missing ')'"],
		["{(i i)}", 5, "expected ')'"],
		["{99999999999999999999}", 2, "number too large"],
		["{i $ 2}", 4, "unexpected '$'"],
		["{i * $}", 6, "unexpected '$': expected a number, 'i' or '('"],
		["{x1_y}", 2, "unknown name 'x1_y' (only i, or {group} alone)"],
		["{ }", 3, "empty expression"],
	])("%s: position %i, %s", (text, position, problem) => {
		const e = templateError(text);
		expect(e.name).toBe("TemplateError");
		expect(e.template).toBe(text);
		expect(e.position).toBe(position);
		expect(e.message).toBe(`bad template ${JSON.stringify(text)}: ${problem} at position ${position}`);
	});

	it("reads whitespace inside an expression and multi-digit numbers", () => {
		expect(compileTemplate("{ \ti\t+ 12 }")(30, "g")).toBe("42");
		expect(compileTemplate("{(i)}-{group}-{i*i}")(3, "web")).toBe("3-web-9");
	});
});

describe("compileShape: each refusal names the group, the field and the value", () => {
	const ok: AgentShape = { group: "g", count: 1, cpus: 1, mem: 1, disk: 1 };
	const refusal = (patch: Record<string, unknown>): string => {
		try {
			compileShape({ ...ok, ...patch } as AgentShape);
		} catch (e) {
			expect(e).toBeInstanceOf(RangeError);
			return (e as Error).message;
		}
		throw new Error(`no refusal for ${JSON.stringify(patch)}`);
	};

	it("refuses a missing or empty group", () => {
		expect(refusal({ group: "" })).toBe("agent group: group must be a non-empty string");
		expect(refusal({ group: 7 })).toBe("agent group: group must be a non-empty string");
		expect(refusal({ group: undefined })).toBe("agent group: group must be a non-empty string");
	});

	it("refuses quantities that are negative, not finite, not numbers, or a fractional count", () => {
		expect(refusal({ count: 1.5 })).toBe("agent group 'g': count must be a non-negative integer, got 1.5");
		expect(refusal({ cpus: -1 })).toBe("agent group 'g': cpus must be a non-negative number, got -1");
		expect(refusal({ mem: Number.POSITIVE_INFINITY })).toBe(
			"agent group 'g': mem must be a non-negative number, got Infinity",
		);
		expect(refusal({ disk: "9" })).toBe("agent group 'g': disk must be a non-negative number, got 9");
		expect(refusal({ gpus: -0.5 })).toBe("agent group 'g': gpus must be a non-negative number, got -0.5");
		// Fractional resources other than the count are fine.
		expect(compileShape({ ...ok, cpus: 0.5, mem: 0.25, disk: 0, gpus: 1.5 }).spec(0).cpus).toBe(0.5);
	});

	it("refuses port ranges that are reversed, negative or fractional, and accepts a one-port range", () => {
		const bad = (begin: number, end: number) =>
			refusal({
				ports: [
					{ begin: 1, end: 2 },
					{ begin, end },
				],
			});
		expect(bad(10, 9)).toBe("agent group 'g': invalid port range [10-9]");
		expect(bad(-1, 9)).toBe("agent group 'g': invalid port range [-1-9]");
		expect(bad(1.5, 9)).toBe("agent group 'g': invalid port range [1.5-9]");
		expect(bad(1, 9.5)).toBe("agent group 'g': invalid port range [1-9.5]");
		expect(compileShape({ ...ok, ports: [{ begin: 0, end: 0 }] }).spec(0).ports).toEqual([
			{ begin: 0, end: 0 },
		]);
	});

	it("refuses attributes that are not finite numbers or text", () => {
		expect(refusal({ attributes: { w: Number.NaN } })).toBe(
			"agent group 'g': attribute 'w' must be finite, got NaN",
		);
		expect(refusal({ attributes: { ssd: true } })).toBe(
			"agent group 'g': attribute 'ssd' must be a number or text",
		);
		// A lone '}' in a text attribute is a template error, not literal text.
		expect(() => compileShape({ ...ok, attributes: { r: "r}" } })).toThrow(TemplateError);
		expect(() => compileShape({ ...ok, attributes: { r: "{i" } })).toThrow(TemplateError);
	});

	it("shares literal attributes between agents and renders templated ones per agent", () => {
		const c = compileShape({ ...ok, attributes: { zone: "z1", rack: "r{i}", w: 2 } });
		const a = c.spec(0).attributes;
		const b = c.spec(1).attributes;
		expect(a[0]).toBe(b[0]);
		expect(a[2]).toBe(b[2]);
		expect(Object.isFrozen(a[0])).toBe(true);
		expect([a[1], b[1]]).toEqual([
			{ name: "rack", type: "TEXT", text: { value: "r0" } },
			{ name: "rack", type: "TEXT", text: { value: "r1" } },
		]);
		expect(c.hostname(4)).toBe("g-4");
	});
});

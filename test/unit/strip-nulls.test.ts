/**
 * stripNulls (master/http/schemas.ts): null members are absent, null array
 * elements stay, `__proto__` keys go, more than 64 levels is a 400 — whether
 * or not there is anything to drop (then the parsed value itself comes back).
 */
import { describe, expect, it } from "vitest";
import { ApiError } from "../../master/http/errors.js";
import { stripNulls } from "../../master/http/schemas.js";

/** `levels` nested objects around a leaf. */
function nested(levels: number, leaf: unknown): unknown {
	let v = leaf;
	for (let i = 0; i < levels; i++) v = { a: v };
	return v;
}

describe("stripNulls", () => {
	it("returns the parsed value itself when it has no null member", () => {
		const call = JSON.parse('{"type":"ACCEPT","accept":{"offer_ids":[{"value":"o1"},null],"n":[1,2]}}');
		expect(stripNulls(call)).toBe(call);
		expect(call.accept.offer_ids[1]).toBeNull();
	});

	it("drops null members at any depth and keeps null array elements", () => {
		const v = JSON.parse('{"a":null,"b":{"c":null,"d":[null,{"e":null,"f":1}]},"g":2}');
		expect(stripNulls(v)).toEqual({ b: { d: [null, { f: 1 }] }, g: 2 });
		expect(Object.hasOwn(stripNulls(v) as object, "a")).toBe(false);
	});

	it("drops __proto__ keys (own members JSON.parse made)", () => {
		const v = JSON.parse('{"x":{"__proto__":{"polluted":true},"y":1}}');
		const out = stripNulls(v) as { x: Record<string, unknown> };
		expect(Object.hasOwn(out.x, "__proto__")).toBe(false);
		expect(out.x.y).toBe(1);
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
	});

	it("looks at own members only, as the copy does (an enumerable Object.prototype member changes nothing)", () => {
		const call = JSON.parse('{"type":"ACCEPT","x":{"y":1}}');
		let out: unknown;
		Object.defineProperty(Object.prototype, "polluter", {
			value: { deep: nested(70, null) },
			enumerable: true,
			configurable: true,
			writable: true,
		});
		try {
			out = stripNulls(call); // neither a 400 (too deep) nor a copy
		} finally {
			delete (Object.prototype as Record<string, unknown>).polluter;
		}
		expect(out).toBe(call);
	});

	it.each([
		["nothing to drop", 1],
		["a null member beside", null],
	])("more than 64 levels is a 400 (%s), 64 is fine", (_name, extra) => {
		expect(() => stripNulls({ z: extra, deep: nested(63, 1) })).not.toThrow();
		let err: unknown;
		try {
			stripNulls({ z: extra, deep: nested(64, 1) });
		} catch (e) {
			err = e;
		}
		expect(err).toBeInstanceOf(ApiError);
		expect((err as ApiError).message).toMatch(/nested deeper than 64 levels/);
	});
});

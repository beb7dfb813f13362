/** The dashboard's wire format (web/protocol.ts): binary frames and client messages. */
import { describe, expect, it } from "vitest";
import { decodeFrame, encodeFrame, FRAME, parseClientMessage } from "../../web/protocol.js";

describe("binary frames", () => {
	it("round-trip meta and arrays of every kind, odd lengths included, each array 4-byte aligned", () => {
		const u8 = Uint8Array.from([1, 2, 3]);
		const u16 = Uint16Array.from([65535, 7, 300]);
		const u32 = Uint32Array.from([4_000_000_000, 0, 59_999, 1, 2]);
		const frame = encodeFrame(FRAME.MAP_DELTA, { count: 60_000, t: 1234, note: "é" }, [u8, u16, u32]);
		const copy = frame.slice().buffer; // a fresh ArrayBuffer, as the browser gets it
		const d = decodeFrame<{ count: number; t: number; note: string }>(copy);
		expect(d.kind).toBe(FRAME.MAP_DELTA);
		expect(d.meta).toMatchObject({ count: 60_000, t: 1234, note: "é" });
		expect(Array.from(d.arrays[0]!)).toEqual([1, 2, 3]);
		expect(Array.from(d.arrays[1]!)).toEqual([65535, 7, 300]);
		expect(Array.from(d.arrays[2]!)).toEqual([4_000_000_000, 0, 59_999, 1, 2]);
		for (const a of d.arrays) expect(a.byteOffset % 4).toBe(0);
		expect(d.arrays[1]).toBeInstanceOf(Uint16Array);
	});

	it("refuse a truncated frame instead of reading past its end", () => {
		const frame = encodeFrame(FRAME.MAP_FULL, { count: 8 }, [new Uint8Array(8)]);
		expect(() => decodeFrame(frame.slice(0, frame.length - 4).buffer)).toThrow(/past its end/);
		expect(() => decodeFrame(new Uint8Array(5).buffer)).toThrow(/shorter than its header/);
	});
});

describe("client messages", () => {
	it("accept an agent request", () => {
		expect(parseClientMessage('{"type":"agent","index":42}')).toEqual({ type: "agent", index: 42 });
		expect(parseClientMessage('{"type":"agent","id":"S3"}')).toEqual({ type: "agent", id: "S3" });
	});

	it.each([
		["not json", "message is not JSON"],
		["[1]", "message must be a JSON object"],
		['{"type":"pause"}', 'unknown message type "pause"'],
		['{"type":"agent","index":-1}', "agent.index must be a non-negative integer"],
		['{"type":"agent","index":1.5}', "agent.index must be a non-negative integer"],
		['{"type":"agent","id":""}', "agent.id must be a string of 1 to 256 characters"],
		['{"type":"agent","id":7}', "agent.id must be a string of 1 to 256 characters"],
		[`{"type":"agent","id":"${"x".repeat(257)}"}`, "agent.id must be a string of 1 to 256 characters"],
	])("name what is wrong with %s", (text, reason) => {
		expect(parseClientMessage(text)).toBe(reason);
	});
});

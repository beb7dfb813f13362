/**
 * Seeded random streams. Each subsystem (agents, faults, the allocator's
 * shuffle, each framework by name) draws from its own stream derived from the
 * scenario seed and the stream's name, so a new draw in one place shifts
 * nothing elsewhere. Backed by seedrandom's alea (~10 ns per draw).
 */
import seedrandom from "seedrandom";

export class Rng {
	readonly #next: () => number;

	constructor(seed: string) {
		this.#next = seedrandom.alea(seed);
	}

	/** Uniform in [0, 1). */
	next(): number {
		return this.#next();
	}

	/** Uniform integer in [0, n). */
	int(n: number): number {
		return Math.floor(this.#next() * n);
	}

	uniform(lo: number, hi: number): number {
		return lo + (hi - lo) * this.#next();
	}

	bernoulli(p: number): boolean {
		return this.#next() < p;
	}

	/** Exponential with the given mean. */
	exp(mean: number): number {
		return -mean * Math.log(1 - this.#next());
	}

	/** Standard normal draw (Box–Muller; one value per call for simplicity). */
	normal(mean = 0, sd = 1): number {
		const u = 1 - this.#next();
		const v = this.#next();
		return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
	}

	lognormal(median: number, sigma: number): number {
		return median * Math.exp(sigma * this.normal());
	}

	pareto(alpha: number, xmin: number): number {
		return xmin / (1 - this.#next()) ** (1 / alpha);
	}

	poisson(mean: number): number {
		if (mean > 50) return Math.max(0, Math.round(this.normal(mean, Math.sqrt(mean))));
		const l = Math.exp(-mean);
		let k = 0;
		let p = 1;
		do {
			k++;
			p *= this.#next();
		} while (p > l);
		return k - 1;
	}

	/** Fisher–Yates shuffle of the first `n` entries, in place. */
	shuffle<T extends { [i: number]: number } | unknown[]>(arr: T, n = (arr as unknown[]).length): T {
		const a = arr as unknown as number[];
		for (let i = n - 1; i > 0; i--) {
			const j = Math.floor(this.#next() * (i + 1));
			const tmp = a[i]!;
			a[i] = a[j]!;
			a[j] = tmp;
		}
		return arr;
	}
}

/** Derives named streams from one scenario seed. */
export class RngStreams {
	readonly seed: number;
	readonly #streams = new Map<string, Rng>();

	constructor(seed: number) {
		this.seed = seed;
	}

	/** The stream for `name`; the same name always returns the same stream object. */
	stream(name: string): Rng {
		let r = this.#streams.get(name);
		if (r === undefined) {
			r = new Rng(`${this.seed}/${name}`);
			this.#streams.set(name, r);
		}
		return r;
	}
}

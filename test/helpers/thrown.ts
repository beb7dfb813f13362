import { isSimError, type SimError } from "../../common/errors.js";

/** The SimError `fn` throws; fails the test if it throws nothing, rethrows anything else. */
export function thrown(fn: () => unknown): SimError {
	try {
		fn();
	} catch (err) {
		if (isSimError(err)) return err;
		throw err;
	}
	throw new Error("expected a SimError");
}

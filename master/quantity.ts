/**
 * The tolerance of scalar quantities (cpus, mem, disk, gpus). Mesos keeps
 * scalars in fixed point with three decimals (src/common/values.cpp), so two
 * quantities that differ by less than this are equal, and a remainder below
 * it is nothing: sums of doubles leave such remainders after an offer is
 * split and given back.
 */
export const SCALAR_EPSILON = 1e-9;

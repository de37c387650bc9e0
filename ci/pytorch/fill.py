"""The deterministic parameter fill shared with Java (dev.jdnn.networks.parity.DeterministicFill), bit for bit.

Tensor k (index in state_dict order), element j (row-major): SplitMix64 finaliser of (k << 32 | j); the top 24 bits m
give u = (m - 2^23) / 2^23 in [-1, 1), exact in float32; scales are powers of two; the one addition (BN weight,
running_var) is a single float32 operation in numpy, rounded as Java rounds it.
"""
import numpy as np

INPUT_INDEX = 1_000_000
_M64 = np.uint64(0xFFFFFFFFFFFFFFFF)


def hash64(k, j):
    """SplitMix64 finaliser of (k << 32 | j); j is a numpy uint64 array. Wrapping uint64 arithmetic as in Java."""
    with np.errstate(over="ignore"):
        z = (np.uint64(k) << np.uint64(32)) | j
        z = z + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def unit(k, n):
    j = np.arange(n, dtype=np.uint64)
    m = (hash64(k, j) >> np.uint64(40)).astype(np.int64)
    return (m - (1 << 23)).astype(np.float32) * np.float32(2.0 ** -23)


def weight_scale(shape):
    numel = int(np.prod(shape)) if len(shape) else 1
    fan_in = numel // shape[0] if len(shape) >= 2 else 1
    e = (max(1, fan_in).bit_length() - 1) // 2
    return np.float32(2.0 ** -e)


def fill(k, shape, role):
    n = int(np.prod(shape)) if len(shape) else 1
    u = unit(k, n)
    q = np.float32(0.25)
    if role == "weight":
        v = u * weight_scale(shape)
    elif role in ("bias", "bn_bias"):
        v = u * q
    elif role == "bn_weight":
        v = np.float32(1.0) + u * q
    elif role == "bn_running_mean":
        v = u * np.float32(0.125)
    elif role == "bn_running_var":
        v = np.float32(1.25) + u * q
    elif role == "input":
        v = u
    else:
        raise ValueError(role)
    return v.astype(np.float32).reshape(shape)


def role_of(key, shape, is_batchnorm):
    if is_batchnorm:
        for suffix, role in (("running_mean", "bn_running_mean"), ("running_var", "bn_running_var"), ("weight", "bn_weight")):
            if key.endswith(suffix):
                return role
        return "bn_bias"
    return "weight" if len(shape) >= 2 else "bias"


if __name__ == "__main__":
    # Prints a few values as hex bits, for the Java test's cross-check: k j role shape...
    import sys
    k, n, role = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    shape = tuple(int(s) for s in sys.argv[4:]) or (n,)
    v = fill(k, shape, role).reshape(-1)[:n]
    print(" ".join("%08x" % x for x in v.view(np.uint32)))

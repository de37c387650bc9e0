package dev.jdnn.memory;

/**
 * Conversions between float32 and the two 16-bit storage types, bfloat16 and IEEE float16, always rounding to nearest
 * with ties to even (as cuDNN, cuBLAS and PyTorch do). bfloat16 keeps float32's 8 exponent bits and 7 of its 23
 * mantissa bits, so it is float32 with the low 16 bits rounded away: same range, no overflow short of float32's own.
 * float16 has 5 exponent bits: beyond ±65504 it rounds to infinity, below 2^-14 to subnormals, below 2^-25 to zero.
 * NaN stays NaN (sign and leading payload kept, quiet bit set), infinities stay infinite.
 *
 * <p>The CPU backend stores bf16/fp16 activations with these and computes in float32 (see the ops package's
 * mixed-precision table); the CUDA kernels implement the same rounding (kernels' {@code common.cuh}).
 */
public final class HalfFloats {
    private HalfFloats() {}

    /** The bfloat16 nearest to {@code f} (ties to even), as its 16 bits. */
    private static short toBfloat16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) return (short) ((bits >>> 16) | 0x0040); // quiet NaN, sign and top payload kept
        // Adding 0x7FFF plus the lowest kept bit carries into the kept bits exactly when the dropped half is above
        // one half ulp, or equal to it with the kept bits odd; a carry out of the mantissa bumps the exponent
        // (correctly up to infinity).
        int rounded = bits + 0x7FFF + ((bits >>> 16) & 1);
        return (short) (rounded >>> 16);
    }

    /** The float32 value of the bfloat16 bits {@code h} (exact: every bfloat16 is a float32). */
    private static float bfloat16ToFloat(short h) {
        return Float.intBitsToFloat((h & 0xFFFF) << 16);
    }

    /** {@code f} rounded to {@code dtype} and back: what a tensor of that dtype stores for {@code f}. */
    public static float quantize(DType dtype, float f) {
        return switch (dtype) {
            case FLOAT32 -> f;
            case BFLOAT16 -> bfloat16ToFloat(toBfloat16(f));
            case FLOAT16 -> Float.float16ToFloat(Float.floatToFloat16(f));
            default -> throw new IllegalArgumentException("not a floating-point storage type: " + dtype);
        };
    }

    /** {@link #quantize} of every element, into a new array. */
    public static float[] quantize(DType dtype, float[] values) {
        float[] out = values.clone();
        if (dtype != DType.FLOAT32) for (int i = 0; i < out.length; i++) out[i] = quantize(dtype, out[i]);
        return out;
    }

    /** The 16 bits {@code dtype} (BFLOAT16 or FLOAT16) stores for {@code f}. */
    public static short encode(DType dtype, float f) {
        return switch (dtype) {
            case BFLOAT16 -> toBfloat16(f);
            case FLOAT16 -> Float.floatToFloat16(f); // IEEE round to nearest even, overflow to infinity
            default -> throw new IllegalArgumentException("not a 16-bit floating-point type: " + dtype);
        };
    }

    /** The float32 value of 16 bits of {@code dtype} (BFLOAT16 or FLOAT16). */
    public static float decode(DType dtype, short h) {
        return switch (dtype) {
            case BFLOAT16 -> bfloat16ToFloat(h);
            case FLOAT16 -> Float.float16ToFloat(h);
            default -> throw new IllegalArgumentException("not a 16-bit floating-point type: " + dtype);
        };
    }
}

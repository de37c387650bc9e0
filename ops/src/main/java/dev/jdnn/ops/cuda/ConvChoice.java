package dev.jdnn.ops.cuda;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntToLongFunction;
import java.util.function.IntUnaryOperator;

/**
 * How {@link CudaConv2d} picks an algorithm from cuDNN's answer and sizes a search, as pure functions of that answer,
 * so the rules are tested with made-up results and no GPU: the workspace limit (from {@link WorkspaceLimit}) decides
 * which of the fastest algorithms are admitted, as in PyTorch's benchmark mode.
 */
final class ConvChoice {
    private ConvChoice() {}

    /** The workspace an algorithm needs run with a math type, or -1 where cuDNN does not support it for the descriptors. */
    @FunctionalInterface
    interface Sizer {
        long workspace(int algo, int mathType);
    }

    /**
     * The search results worth trying, in cuDNN's order (fastest or most recommended first), each with the math type to
     * run it with ({@code usableMath} returns it, or -1 to skip the result) and the workspace cuDNN reported: those that
     * ran ({@code status} 0), fit {@code limit} bytes, have a usable math type and — when {@code deterministic} — are
     * reported deterministic.
     */
    static List<ConvAlgorithm> admissible(List<ConvDirection.Result> ranked, long limit, IntUnaryOperator usableMath, boolean deterministic) {
        List<ConvAlgorithm> out = new ArrayList<>();
        for (ConvDirection.Result r : ranked) {
            if (r.status() != 0 || r.memory() > limit) continue;
            if (deterministic && !r.deterministic()) continue;
            int math = usableMath.applyAsInt(r.mathType());
            if (math >= 0) out.add(new ConvAlgorithm(r.algo(), math, r.memory()));
        }
        return out;
    }

    /**
     * The first admissible algorithm whose workspace, as {@code sizer} asks cuDNN again for its math type (a search may
     * report another than the call will need), still fits {@code limit} bytes; null when none does.
     */
    static ConvAlgorithm first(List<ConvAlgorithm> admissible, long limit, Sizer sizer) {
        for (ConvAlgorithm a : admissible) {
            long ws = sizer.workspace(a.algo(), a.mathType());
            if (ws >= 0 && ws <= limit) return new ConvAlgorithm(a.algo(), a.mathType(), ws);
        }
        return null;
    }

    /**
     * The workspace to search {@code algorithms} algorithms in: the largest any of them needs within {@code limit}
     * ({@code sizeOf} gives -1 for one cuDNN cannot size), so every algorithm that could be chosen gets timed and no
     * byte more is allocated than one of them uses.
     */
    static long searchBytes(int algorithms, long limit, IntToLongFunction sizeOf) {
        long most = 0;
        for (int algo = 0; algo < algorithms; algo++) {
            long ws = sizeOf.applyAsLong(algo);
            if (ws >= 0 && ws <= limit) most = Math.max(most, ws);
        }
        return most;
    }
}

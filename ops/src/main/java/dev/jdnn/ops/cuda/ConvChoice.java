package dev.jdnn.ops.cuda;

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

    /** One entry of cudnnFind*AlgorithmEx's or cudnnGet*_v7's ranked answer (fastest or most recommended first). */
    record Result(int algo, int status, long memory, int mathType) {}

    /** The workspace an algorithm needs run with a math type, or -1 where cuDNN does not support it for the descriptors. */
    @FunctionalInterface
    interface Sizer {
        long workspace(int algo, int mathType);
    }

    /**
     * The first result that ran ({@code status} 0), whose math type {@code usableMath} admits (it returns the math type
     * to run with, or -1), and whose workspace — as cuDNN reports it and as {@code sizer} asks again for that math type —
     * fits {@code limit} bytes; null when none does.
     */
    static ConvAlgorithm first(List<Result> ranked, long limit, IntUnaryOperator usableMath, Sizer sizer) {
        for (Result r : ranked) {
            if (r.status() != 0 || r.memory() > limit) continue;
            int math = usableMath.applyAsInt(r.mathType());
            if (math < 0) continue;
            long ws = sizer.workspace(r.algo(), math);
            if (ws < 0 || ws > limit) continue;
            return new ConvAlgorithm(r.algo(), math, ws);
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

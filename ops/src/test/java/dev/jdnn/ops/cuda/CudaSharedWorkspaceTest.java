package dev.jdnn.ops.cuda;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.MemoryFormat;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Conv2dPlan;
import dev.jdnn.ops.Conv2dSpec;
import dev.jdnn.ops.OperandType;
import dev.jdnn.ops.Recording;
import dev.jdnn.ops.testing.Rand;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The shared workspace on a device: one buffer for all convolution plans, sized to the largest chosen need and
 * reported in memoryStats; a fixed limit of 0 admits only workspace-free algorithms; a recording keeps working after a
 * later plan grew the workspace (the recorded buffer stays alive until the recording closes).
 */
@Tag("gpu")
class CudaSharedWorkspaceTest {
    private static final Conv2dSpec SMALL = new Conv2dSpec(8, 32, 28, 28, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1, false);
    private static final Conv2dSpec BIG = new Conv2dSpec(64, 64, 56, 56, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, false);

    private static CudaBackend backend(WorkspaceLimit limit) {
        GpuTests.assumeGpu();
        return CudaBackend.create(0, CudaBackend.Options.defaults().withConvAlgorithmCacheDir(null).withWorkspaceLimit(limit));
    }

    @Test
    void allPlansShareOneWorkspaceOfTheLargestNeed() {
        try (CudaBackend cuda = backend(WorkspaceLimit.defaults());
             Conv2dPlan small = cuda.conv2d(SMALL); Conv2dPlan big = cuda.conv2d(BIG.with(OperandType.of(MemoryFormat.NHWC, DType.BFLOAT16)))) {
            long largest = Math.max(small.workspaceBytes(), big.workspaceBytes());
            assertEquals(largest, cuda.memoryStats().workspaceBytes(), "one buffer, the largest chosen need: " + cuda.memoryStats());
            assertEquals(largest, cuda.context().workspace.bytes(), "settled back after the searches");
        }
    }

    @Test
    void aZeroLimitAdmitsOnlyAlgorithmsWithoutWorkspace() {
        try (CudaBackend cuda = backend(WorkspaceLimit.fixed(0)); Conv2dPlan plan = cuda.conv2d(BIG)) {
            assertEquals(0, plan.workspaceBytes());
            assertEquals(0, cuda.memoryStats().workspaceBytes());
        }
    }

    @Test
    void aRecordingOutlivesTheWorkspaceItWasRecordedWith() {
        try (CudaBackend cuda = backend(WorkspaceLimit.defaults()); Conv2dPlan plan = cuda.conv2d(SMALL);
             Tensor x = cuda.allocate(SMALL.inputShape()); Tensor w = cuda.allocate(SMALL.weightShape());
             Tensor eager = cuda.allocate(SMALL.outputShape()); Tensor replayed = cuda.allocate(SMALL.outputShape())) {
            cuda.upload(Rand.uniform(1, (int) SMALL.inputShape().numel()), x);
            cuda.upload(Rand.uniform(2, (int) SMALL.weightShape().numel()), w);
            plan.forward(1f, x, w, null, 0f, eager);
            plan.forward(1f, x, w, null, 0f, replayed);
            try (Recording r = cuda.capture(() -> plan.forward(1f, x, w, null, 0f, replayed))) {
                long before = cuda.context().workspace.bytes();
                try (Conv2dPlan bigger = cuda.conv2d(BIG)) { // may grow the shared workspace
                    cuda.fill(replayed, Float.NaN);
                    r.replay();
                    assertArrayEquals(cuda.download(eager), cuda.download(replayed), "replay after the workspace grew from " + before
                            + " to " + cuda.context().workspace.bytes() + " bytes");
                    assertTrue(bigger.workspaceBytes() >= 0);
                }
            }
        }
    }
}

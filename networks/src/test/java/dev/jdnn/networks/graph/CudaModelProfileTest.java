package dev.jdnn.networks.graph;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.networks.graph.run.GraphRecordings;
import dev.jdnn.networks.models.ModelConfig;
import dev.jdnn.networks.models.Models;
import dev.jdnn.ops.cuda.CudaBackend;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The profile on CUDA: every node call timed between two events on the stream, the step as normally run replayed
 * from a CUDA graph, and replay resumed after the profile (which runs eagerly).
 */
@Tag("gpu")
class CudaModelProfileTest {
    @Test
    void eventsTimeEveryNodeOfAResnet20TrainingStep() {
        assumeTrue(CudaBackend.isAvailable(), () -> "CUDA backend unavailable: " + CudaBackend.unavailableReason());
        Shape shape = Shape.of(32, 3, 32, 32);
        try (CudaBackend cuda = CudaBackend.create(0);
             CompiledModel model = CompiledModel.compile(Models.create("resnet20", ModelConfig.of(10, 3, 32, 32)), shape, cuda, 0);
             Tensor labels = GraphFixture.labels(cuda, 32, 10)) {
            cuda.upload(GraphFixture.input(shape, 1), model.input());
            ModelProfile p = model.profile(() -> model.forwardBackward(labels, 0f), 2, 3);
            assertEquals("cuda", p.backend());
            assertEquals(model.plan(true).graph().nodes().size(), p.rows().size());
            assertTrue(p.graphCapture().contains("training step: replaying"), "the step as normally run is replayed: " + p.graphCapture());
            for (ModelProfile.Row r : p.rows()) {
                // a view (flatten) issues no work: its two events may be recorded back to back
                assertTrue(r.forward().bytes() == 0 ? r.forward().millis() >= 0 : r.forward().millis() > 0, "a GPU time for every forward: " + r);
                if (r.backward() != null && r.backward().bytes() > 0) assertTrue(r.backward().millis() > 0, "and every backward: " + r);
                if (r.kind().equals("conv2d")) assertTrue(r.implementation().startsWith("cuDNN forward "), r.implementation());
            }
            assertEquals(p.profiledStepMillis(), p.nodeMillis() + p.overhead().total(), 1e-9 * p.profiledStepMillis());
            assertTrue(p.overhead().loss() > 0 && p.overhead().betweenCalls() >= -1e-3, p.overhead().toString());
            assertTrue(p.profiledStepWallMillis() >= p.profiledStepMillis() * 0.99, "the step's wall time holds its GPU time");
            assertTrue(p.stepMillis() > 0 && p.stepMillis() < p.profiledStepWallMillis(), "a replayed step beats the eager, marked one: "
                    + p.stepMillis() + " vs " + p.profiledStepWallMillis() + " ms");

            int captures = model.recordings().captures(GraphRecordings.Kind.TRAINING_STEP);
            model.forwardBackward(labels, 0f);
            assertEquals(captures, model.recordings().captures(GraphRecordings.Kind.TRAINING_STEP), "after the profile the kept recording replays");
            assertTrue(model.recordings().replays(GraphRecordings.Kind.TRAINING_STEP, 0f));
        }
    }
}

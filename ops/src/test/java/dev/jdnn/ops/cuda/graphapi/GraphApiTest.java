package dev.jdnn.ops.cuda.graphapi;

import dev.jdnn.bindings.CudaException;
import dev.jdnn.bindings.loader.Library;
import dev.jdnn.bindings.loader.NativeLibraries;
import dev.jdnn.bindings.cudnn.cudnn_h;
import dev.jdnn.memory.DType;
import dev.jdnn.memory.MemoryFormat;
import dev.jdnn.memory.Shape;
import dev.jdnn.ops.Conv2dSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Java layer over cuDNN's backend (graph) API against the real libcudnn, without a GPU: which descriptors cuDNN
 * finalises with no device (tensors, convolution and pointwise descriptors, operation nodes, variant packs, and —
 * since cuDNN 9 no longer needs a handle for them — operation graphs and engine heuristics queries), the checks done
 * in Java before cuDNN is called, and failures that name the descriptor and attribute.
 */
class GraphApiTest {
    private static final Conv2dSpec CONV = new Conv2dSpec(4, 16, 10, 10, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1, false);

    @BeforeAll
    static void requireCudnn() {
        assumeTrue(NativeLibraries.isAvailable(Library.CUDNN), "libcudnn not found (" + Library.CUDNN.requirement() + "): graph API tests skipped");
    }

    /** Skips, with cuDNN's answer, where this cuDNN build still needs a device to finalise an operation graph. */
    static void assumeDeviceLessGraphs() {
        try (GraphBuilder g = new GraphBuilder()) {
            GraphTensor x = GraphTensor.of(1, DType.FLOAT32, Shape.of(1, 8, 4, 4), MemoryFormat.NCHW);
            g.pointwise(PointwiseMode.RELU_FWD, x, null, GraphTensor.of(2, DType.FLOAT32, Shape.of(1, 8, 4, 4), MemoryFormat.NCHW));
            g.build(MemorySegment.NULL).close();
        } catch (CudaException e) {
            assumeTrue(false, "cuDNN " + cudnn_h.cudnnGetVersion() + " needs a device to finalise operation graphs: " + e.getMessage());
        }
    }

    @Test
    void tensorDescriptorsOfEveryElementTypeLayoutAndKindFinalise() {
        try (DescriptorScope scope = new DescriptorScope()) {
            Shape shape = Shape.of(2, 24, 5, 7);
            for (DType dtype : List.of(DType.FLOAT32, DType.FLOAT16, DType.BFLOAT16)) {
                for (MemoryFormat layout : MemoryFormat.values()) {
                    GraphTensor t = GraphTensor.of(1, dtype, shape, layout);
                    assertEquals(DescriptorType.TENSOR, t.build(scope).type());
                    t.intermediate(2, ElementType.FLOAT).build(scope);
                }
            }
            GraphTensor.perChannel(3, 24).build(scope);
            GraphTensor.scalar(4, ElementType.FLOAT).build(scope);
            GraphTensor.scalar(5, ElementType.DOUBLE).build(scope);
            GraphTensor.scalar(6, ElementType.INT64).build(scope);
        }
    }

    @Test
    void aTensorsBytesSpanItsStrides() {
        assertEquals(2L * 24 * 5 * 7 * 2, GraphTensor.of(1, DType.BFLOAT16, Shape.of(2, 24, 5, 7), MemoryFormat.NHWC).bytes());
        assertEquals(4L * 24, GraphTensor.perChannel(1, 24).bytes());
        assertEquals(8, GraphTensor.scalar(1, ElementType.INT64).bytes());
    }

    @Test
    void badTensorsAreRejectedInJavaNamingTheTensor() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new GraphTensor(7, ElementType.FLOAT, new long[]{1, 0}, new long[]{1, 1}, false, false))
                .getMessage().startsWith("tensor 7: dims [1, 0]"));
        assertThrows(IllegalArgumentException.class, () -> new GraphTensor(7, ElementType.FLOAT, new long[]{1, 2}, new long[]{1}, false, false));
        assertThrows(IllegalArgumentException.class, () -> new GraphTensor(0, ElementType.FLOAT, new long[]{1}, new long[]{1}, false, false));
        assertThrows(IllegalArgumentException.class, () -> new GraphTensor(7, ElementType.FLOAT, new long[]{1}, new long[]{1}, true, true));
        assertThrows(IllegalArgumentException.class, () -> ElementType.of(DType.UINT8));
    }

    @Test
    void anAttributeSetWithTheWrongTypeFailsInJavaNamingIt() {
        try (DescriptorScope scope = new DescriptorScope()) {
            BackendDescriptor t = scope.create(DescriptorType.TENSOR);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.setFloat(Attribute.TENSOR_DIMENSIONS, 1f));
            assertEquals("CUDNN_ATTR_TENSOR_DIMENSIONS holds INT64 elements, not FLOAT", e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> t.setAddresses(Attribute.TENSOR_UNIQUE_ID, 1L));
            assertThrows(IllegalArgumentException.class, () -> t.setEnum(Attribute.TENSOR_STRIDES, 1));
        }
    }

    @Test
    void cudnnRefusingADescriptorNamesTheCallTheDescriptorAndTheStatus() {
        try (GraphBuilder g = new GraphBuilder()) {
            GraphTensor x = GraphTensor.of(1, DType.FLOAT32, CONV.inputShape(), MemoryFormat.NHWC);
            GraphTensor w = GraphTensor.of(2, DType.FLOAT32, CONV.weightShape(), MemoryFormat.NHWC);
            GraphTensor wrongY = GraphTensor.of(3, DType.FLOAT32, Shape.of(4, 32, 9, 10), MemoryFormat.NHWC);
            CudaException e = assertThrows(CudaException.class, () -> g.convForward(CONV, x, w, wrongY));
            assertTrue(e.getMessage().contains("cudnnBackendFinalize(CUDNN_BACKEND_OPERATION_CONVOLUTION_FORWARD_DESCRIPTOR)"), e.getMessage());
            assertTrue(e.getMessage().contains("CUDNN_STATUS_BAD_PARAM"), e.getMessage());
            assertEquals(Library.CUDNN, e.library());
        }
        try (DescriptorScope scope = new DescriptorScope()) {
            CudaException e = assertThrows(CudaException.class, () -> scope.create(DescriptorType.TENSOR).setLongs(Attribute.TENSOR_UNIQUE_ID, 1).finish());
            assertTrue(e.getMessage().contains("cudnnBackendFinalize(CUDNN_BACKEND_TENSOR_DESCRIPTOR)"), e.getMessage());
        }
    }

    @Test
    void aUidNamesOneTensorPerGraph() {
        try (GraphBuilder g = new GraphBuilder()) {
            GraphTensor x = GraphTensor.of(1, DType.FLOAT32, Shape.of(1, 8, 4, 4), MemoryFormat.NCHW);
            GraphTensor sameUidOtherShape = GraphTensor.of(1, DType.FLOAT32, Shape.of(1, 8, 4, 5), MemoryFormat.NCHW);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> g.pointwise(PointwiseMode.RELU_FWD, x, null, sameUidOtherShape));
            assertTrue(e.getMessage().startsWith("uid 1 names two tensors"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> g.pointwise(PointwiseMode.ADD, x, null, x.intermediate(9, ElementType.FLOAT)));
            assertThrows(IllegalArgumentException.class, () -> g.pointwise(PointwiseMode.RELU_BWD, x, x, x));
            assertThrows(IllegalStateException.class, () -> g.build(MemorySegment.NULL), "no operation yet");
        }
    }

    @Test
    void anOperationGraphFinalisesWithoutADeviceAndHeuristicsCanBeAsked() {
        assumeDeviceLessGraphs();
        GraphTensor x = GraphTensor.of(1, DType.BFLOAT16, CONV.inputShape(), MemoryFormat.NHWC);
        GraphTensor w = GraphTensor.of(2, DType.BFLOAT16, CONV.weightShape(), MemoryFormat.NHWC);
        GraphTensor y = GraphTensor.of(3, DType.BFLOAT16, CONV.outputShape(), MemoryFormat.NHWC);
        GraphTensor convOut = y.intermediate(100, ElementType.FLOAT), biased = y.intermediate(101, ElementType.FLOAT);
        try (GraphBuilder g = new GraphBuilder()) {
            g.convForward(CONV, x, w, convOut)
                    .pointwise(PointwiseMode.ADD, convOut, GraphTensor.perChannel(4, 32), biased)
                    .pointwise(PointwiseMode.RELU_FWD, biased, null, y);
            try (OperationGraph graph = g.build(MemorySegment.NULL)) {
                assertEquals("conv-forward -> add -> relu_fwd", graph.summary());
                assertEquals(List.of(1L, 2L, 4L, 3L), graph.boundTensors().stream().map(GraphTensor::uid).toList(), "in order of first use");
                assertEquals(6, graph.tensors().size());
                long engines = graph.engineCount();
                assertTrue(engines > 0, "cuDNN knows engines for a convolution graph: " + engines);
                for (HeuristicsMode mode : HeuristicsMode.values()) {
                    for (EngineCandidate c : EngineHeuristics.query(graph, mode)) {
                        assertTrue(c.choice().engineIndex() < engines, c.toString());
                        assertTrue(c.workspaceBytes() >= -1, c.toString());
                    }
                }
            }
        }
    }

    /** A BN-finalize node with the given scalar tensors (count, epsilon, exponential average factor), built and finalised. */
    private static void bnFinalize(GraphTensor count, GraphTensor epsilon, GraphTensor factor) {
        try (GraphBuilder g = new GraphBuilder()) {
            GraphTensor[] v = new GraphTensor[12];
            for (int i = 0; i < v.length; i++) v[i] = GraphTensor.perChannel(i + 1, 64);
            g.bnFinalize(new GraphBuilder.BnFinalizeTensors(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11],
                    count, epsilon, factor));
            g.build(MemorySegment.NULL).close();
        }
    }

    private static GraphTensor inMemory(long uid, ElementType type) {
        return new GraphTensor(uid, type, new long[]{1, 1, 1, 1}, new long[]{1, 1, 1, 1}, false, false);
    }

    /**
     * The scalar types of BN finalize, which the headers do not give, as cuDNN's own finaliser checks them (its
     * BAD_PARAM messages in 9.24: "bnAccumCntPort.tensor.getDataType() != CUDNN_DATA_INT64"; epsilon and the factor
     * "!= CUDNN_DATA_FLOAT && != CUDNN_DATA_DOUBLE && != CUDNN_DATA_HALF"): the count an int64, epsilon and the
     * momentum float, double or half, all three passed by value. CudaBnFinalize passes int64, double, double.
     */
    @Test
    void bnFinalizeTakesAnInt64CountAndFloatingEpsilonAndFactorAllByValue() {
        assumeDeviceLessGraphs();
        GraphTensor count = GraphTensor.scalar(13, ElementType.INT64), eps = GraphTensor.scalar(14, ElementType.DOUBLE),
                factor = GraphTensor.scalar(15, ElementType.DOUBLE);
        assertDoesNotThrow(() -> bnFinalize(count, eps, factor), "CudaBnFinalize's types");
        assertDoesNotThrow(() -> bnFinalize(count, GraphTensor.scalar(14, ElementType.FLOAT), GraphTensor.scalar(15, ElementType.FLOAT)));
        for (ElementType other : new ElementType[]{ElementType.INT32, ElementType.FLOAT, ElementType.DOUBLE}) {
            assertThrows(CudaException.class, () -> bnFinalize(GraphTensor.scalar(13, other), eps, factor), "a " + other + " count");
        }
        for (ElementType integer : new ElementType[]{ElementType.INT32, ElementType.INT64}) {
            assertThrows(CudaException.class, () -> bnFinalize(count, GraphTensor.scalar(14, integer), factor), "an " + integer + " epsilon");
            assertThrows(CudaException.class, () -> bnFinalize(count, eps, GraphTensor.scalar(15, integer)), "an " + integer + " factor");
        }
        assertThrows(CudaException.class, () -> bnFinalize(inMemory(13, ElementType.INT64), eps, factor), "the count in device memory");
        assertThrows(CudaException.class, () -> bnFinalize(count, inMemory(14, ElementType.DOUBLE), factor), "epsilon in device memory");
        assertThrows(CudaException.class, () -> bnFinalize(count, eps, inMemory(15, ElementType.DOUBLE)), "the factor in device memory");
    }

    @Test
    void aVariantPackTakesUidsPointersAndAWorkspace() {
        try (VariantPack pack = new VariantPack(new long[]{1, 2, 3}, new long[]{4096, 8192, 12288}, 0)) {
            assertEquals(DescriptorType.VARIANT_PACK, pack.descriptor().type());
        }
        assertThrows(IllegalArgumentException.class, () -> new VariantPack(new long[]{1, 2}, new long[]{4096}, 0));
    }

    @Test
    void aScopeDestroysEachDescriptorOnce() {
        DescriptorScope scope = new DescriptorScope();
        BackendDescriptor a = scope.create(DescriptorType.POINTWISE), b = scope.create(DescriptorType.CONVOLUTION);
        scope.close();
        scope.close();
        assertThrows(IllegalStateException.class, a::handle);
        assertThrows(IllegalStateException.class, b::handle);
        assertThrows(IllegalStateException.class, () -> scope.create(DescriptorType.TENSOR));
        assertDoesNotThrow(a::close, "closing twice does nothing");
    }

    @Test
    void engineChoicesRoundTripThroughText() {
        EngineChoice bare = new EngineChoice(7, List.of());
        EngineChoice knobs = new EngineChoice(42, List.of(new EngineChoice.Knob(3, 1), new EngineChoice.Knob(17, -1), new EngineChoice.Knob(0, 1L << 40)));
        assertEquals("engine=7 knobs=-", bare.format());
        assertEquals("engine=42 knobs=3:1,17:-1,0:1099511627776", knobs.format());
        assertEquals(bare, EngineChoice.parse(bare.format()));
        assertEquals(knobs, EngineChoice.parse(knobs.format()));
        for (String junk : List.of("", "engine=1", "engine=x knobs=-", "engine=1 knobs=3", "engine=1 knobs=3:1,", "engine=-1 knobs=-", "engine=1 knobs=-,1:2")) {
            assertThrows(IllegalArgumentException.class, () -> EngineChoice.parse(junk), junk);
        }
    }
}

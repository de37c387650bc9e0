package dev.jdnn.ops.cuda;

import dev.jdnn.bindings.CudaException;
import dev.jdnn.bindings.loader.Library;
import dev.jdnn.memory.DType;
import dev.jdnn.ops.Fusion;
import dev.jdnn.ops.cuda.FusedEngineStore.FusedKey;
import dev.jdnn.ops.cuda.graphapi.EngineCandidate;
import dev.jdnn.ops.cuda.graphapi.EngineChoice;
import dev.jdnn.ops.cuda.graphapi.HeuristicsMode;
import dev.jdnn.ops.cuda.graphapi.NumericalNote;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The engine choice and its fallbacks, with a scripted stand-in for cuDNN and the device: what heuristics offer, which
 * configurations build, how fast each runs. Plans are the choices' text.
 */
class EngineChooserTest {
    private static final ChoiceStore.DeviceKey H200 = new ChoiceStore.DeviceKey("NVIDIA H200", 9, 0, 132, 91900);
    private static final FusedKey KEY = new FusedKey(false, false, "fixed:1048576", "conv-bias-activation input=8x64x14x14 out=64 dtype=bfloat16 layout=nhwc");
    private static final EngineChooser.Policy TUNE = new EngineChooser.Policy(false, false, 1 << 20, true, 3);
    private static final EngineChooser.Policy FIRST = new EngineChooser.Policy(false, false, 1 << 20, false, 3);

    private final List<String> warnings = new ArrayList<>();

    private static EngineCandidate candidate(long engine, NumericalNote... notes) {
        return new EngineCandidate(new EngineChoice(engine, List.of(new EngineChoice.Knob(3, engine % 2))), Set.of(notes), false, 1024);
    }

    private static CudaException cudnnFailure(String call) {
        return new CudaException(Library.CUDNN, call, 3000, "CUDNN_STATUS_NOT_SUPPORTED");
    }

    /** Scripted engines: what each heuristics mode offers, which engines fail to build, milliseconds per engine. */
    private static final class Script implements EngineChooser.Engines<String> {
        final Map<HeuristicsMode, List<EngineCandidate>> offers = new HashMap<>();
        final Set<Long> unbuildable = new java.util.HashSet<>(), failsToRun = new java.util.HashSet<>();
        final Map<Long, Double> millis = new HashMap<>();
        final Map<Long, Long> workspace = new HashMap<>();
        final List<String> built = new ArrayList<>(), timed = new ArrayList<>(), discarded = new ArrayList<>();
        boolean modeAFails;
        int queries;

        @Override
        public List<EngineCandidate> offered(HeuristicsMode mode) {
            queries++;
            if (mode == HeuristicsMode.A && modeAFails) throw cudnnFailure("cudnnBackendFinalize(CUDNN_BACKEND_ENGINEHEUR_DESCRIPTOR)");
            return offers.getOrDefault(mode, List.of());
        }

        @Override
        public String build(EngineChoice choice) {
            if (unbuildable.contains(choice.engineIndex())) throw cudnnFailure("cudnnBackendFinalize(CUDNN_BACKEND_EXECUTION_PLAN_DESCRIPTOR)");
            built.add(choice.format());
            return choice.format();
        }

        @Override public long workspaceBytes(String plan) { return workspace.getOrDefault(EngineChoice.parse(plan).engineIndex(), 0L); }

        @Override
        public double millis(String plan) {
            if (failsToRun.contains(EngineChoice.parse(plan).engineIndex())) throw cudnnFailure("cudnnBackendExecute");
            timed.add(plan);
            return millis.getOrDefault(EngineChoice.parse(plan).engineIndex(), 1.0);
        }

        @Override public void discard(String plan) { discarded.add(plan); }
    }

    private FusedEngineStore store(Path dir) {
        return new FusedEngineStore(dir, H200, warnings::add);
    }

    private static EngineChooser.Outcome.Refused<String> refused(EngineChooser.Outcome<String> o) {
        return switch (o) {
            case EngineChooser.Outcome.Refused<String> r -> r;
            case EngineChooser.Outcome.Chosen<String> c -> fail("expected a refusal, got " + c);
        };
    }

    private static EngineChooser.Outcome.Chosen<String> chosen(EngineChooser.Outcome<String> o) {
        return switch (o) {
            case EngineChooser.Outcome.Chosen<String> c -> c;
            case EngineChooser.Outcome.Refused<String> r -> fail("expected a choice, got " + r);
        };
    }

    @Test
    void heuristicsOfferingNothingIsNoEngine() {
        Script s = new Script();
        var r = refused(EngineChooser.choose(s, DType.BFLOAT16, TUNE, store(null), KEY));
        assertEquals(Fusion.Reason.NO_ENGINE, r.reason());
        assertEquals("cuDNN's heuristics (modes A and FALLBACK) offered no engine configuration", r.detail());
        assertEquals(2, s.queries, "both modes asked");
    }

    @Test
    void aHeuristicsFailureIsReportedAndTheOtherModeStillAsked() {
        Script s = new Script();
        s.modeAFails = true;
        var r = refused(EngineChooser.choose(s, DType.BFLOAT16, TUNE, store(null), KEY));
        assertEquals(Fusion.Reason.NO_ENGINE, r.reason());
        assertTrue(r.detail().contains("heuristics mode A failed") && r.detail().contains("CUDNN_STATUS_NOT_SUPPORTED"), r.detail());

        s.offers.put(HeuristicsMode.FALLBACK, List.of(candidate(5)));
        assertEquals(5, chosen(EngineChooser.choose(s, DType.BFLOAT16, FIRST, store(null), KEY)).choice().engineIndex(), "FALLBACK's offer is taken");
    }

    @Test
    void configurationsTheNumericsDoNotAdmitAreDroppedAndTallied() {
        Script s = new Script();
        s.offers.put(HeuristicsMode.A, List.of(candidate(1, NumericalNote.TENSOR_CORE), candidate(2, NumericalNote.TENSOR_CORE),
                candidate(3, NumericalNote.DOWN_CONVERT_INPUTS), candidate(4, NumericalNote.REDUCED_PRECISION_REDUCTION)));
        var strict = new EngineChooser.Policy(true, false, 1 << 20, true, 3);
        var r = refused(EngineChooser.choose(s, DType.FLOAT32, strict, store(null), KEY));
        assertEquals(Fusion.Reason.NO_ENGINE, r.reason());
        assertEquals("cuDNN's heuristics offered 4 engine configuration(s), none admitted: 1 converts float32 inputs to a narrower type, "
                + "1 reduces in less than float32, 2 uses TF32 tensor cores under strict FP32", r.detail());
        assertEquals(List.of(), s.built, "nothing rejected is built");

        // TF32 allowed: tensor-core engines are fine for float32; for bf16 operands tensor cores are fine even under strict FP32.
        assertEquals(1, chosen(EngineChooser.choose(s, DType.FLOAT32, FIRST, store(null), KEY)).choice().engineIndex());
        assertEquals(1, chosen(EngineChooser.choose(s, DType.BFLOAT16, new EngineChooser.Policy(true, false, 1 << 20, false, 3), store(null), KEY)).choice().engineIndex());
    }

    @Test
    void determinismAndTheWorkspaceLimitDropConfigurationsToo() {
        Script s = new Script();
        EngineCandidate big = new EngineCandidate(new EngineChoice(8, List.of()), Set.of(), false, 2 << 20);
        s.offers.put(HeuristicsMode.A, List.of(candidate(7, NumericalNote.NONDETERMINISTIC), big));
        var deterministic = new EngineChooser.Policy(false, true, 1 << 20, false, 3);
        var r = refused(EngineChooser.choose(s, DType.FLOAT16, deterministic, store(null), KEY));
        assertTrue(r.detail().contains("1 is not deterministic") && r.detail().contains("1 needs more workspace than the limit of 1048576 bytes"), r.detail());
        assertEquals(7, chosen(EngineChooser.choose(s, DType.FLOAT16, FIRST, store(null), KEY)).choice().engineIndex());
    }

    @Test
    void noConfigurationBuildingIsNoPlanWithTheFirstFailure() {
        Script s = new Script();
        s.offers.put(HeuristicsMode.A, List.of(candidate(1), candidate(2)));
        s.unbuildable.addAll(List.of(1L, 2L));
        var r = refused(EngineChooser.choose(s, DType.BFLOAT16, TUNE, store(null), KEY));
        assertEquals(Fusion.Reason.NO_PLAN, r.reason());
        assertTrue(r.detail().startsWith("none of the 2 admitted engine configuration(s) could be built and run; first failure: engine=1 knobs=3:1: "), r.detail());
        assertTrue(r.detail().contains("CUDNN_BACKEND_EXECUTION_PLAN_DESCRIPTOR"), r.detail());
    }

    @Test
    void aPlanNeedingMoreWorkspaceThanTheLimitIsSkipped() {
        Script s = new Script();
        s.offers.put(HeuristicsMode.A, List.of(candidate(1), candidate(2)));
        s.workspace.put(1L, 4L << 20);
        var c = chosen(EngineChooser.choose(s, DType.BFLOAT16, FIRST, store(null), KEY));
        assertEquals(2, c.choice().engineIndex());
        assertEquals(List.of("engine=1 knobs=3:1"), s.discarded);
    }

    @Test
    void withoutAutotuningTheFirstThatBuildsWinsUntimedAndNothingIsStored(@TempDir Path dir) throws Exception {
        Script s = new Script();
        s.offers.put(HeuristicsMode.A, List.of(candidate(1), candidate(2), candidate(3)));
        s.unbuildable.add(1L);
        FusedEngineStore store = store(dir);
        var c = chosen(EngineChooser.choose(s, DType.BFLOAT16, FIRST, store, KEY));
        assertEquals(2, c.choice().engineIndex());
        assertEquals("heuristics' choice 2 of 3 admitted (not timed)", c.how());
        assertEquals(List.of(), s.timed);
        assertEquals(0, store.size());
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count());
        }
    }

    @Test
    void autotuningTimesUpToTheLimitKeepsTheFastestAndStoresIt(@TempDir Path dir) {
        Script s = new Script();
        s.offers.put(HeuristicsMode.A, List.of(candidate(1), candidate(2), candidate(3), candidate(4)));
        s.offers.put(HeuristicsMode.FALLBACK, List.of(candidate(2), candidate(9)));
        s.millis.putAll(Map.of(1L, 3.0, 2L, 1.5, 3L, 2.0, 4L, 0.1, 9L, 0.01));
        FusedEngineStore store = store(dir);
        var c = chosen(EngineChooser.choose(s, DType.BFLOAT16, TUNE, store, KEY));
        assertEquals(2, c.choice().engineIndex(), "the fastest of the first three timed (maxTimed 3)");
        assertEquals(List.of("engine=1 knobs=3:1", "engine=2 knobs=3:0", "engine=3 knobs=3:1"), s.timed);
        assertEquals(List.of("engine=1 knobs=3:1", "engine=3 knobs=3:1"), s.discarded, "every plan but the chosen one is released");
        assertTrue(c.how().startsWith("autotuned: fastest of 3 timed (heuristics' rank 2), 1.500 ms"), c.how());
        assertEquals(c.choice(), store(dir).get(KEY), "saved to disk");
        assertEquals(List.of(), warnings);
    }

    @Test
    void aConfigurationThatFailsToRunWhileTimedIsPassedOver() {
        Script s = new Script();
        s.offers.put(HeuristicsMode.A, List.of(candidate(1), candidate(2)));
        s.failsToRun.add(1L);
        var c = chosen(EngineChooser.choose(s, DType.BFLOAT16, TUNE, store(null), KEY));
        assertEquals(2, c.choice().engineIndex());
        assertEquals(List.of("engine=1 knobs=3:1"), s.discarded);
        s.failsToRun.add(2L);
        var r = refused(EngineChooser.choose(s, DType.BFLOAT16, TUNE, store(null), KEY));
        assertEquals(Fusion.Reason.NO_PLAN, r.reason());
        assertTrue(r.detail().contains("engine=1 knobs=3:1 (running it): ") && r.detail().contains("cudnnBackendExecute"), r.detail());
    }

    @Test
    void aStoredChoiceIsReusedWithoutAskingTheHeuristicsWhileItBuilds(@TempDir Path dir) {
        FusedEngineStore store = store(dir);
        EngineChoice stored = new EngineChoice(6, List.of(new EngineChoice.Knob(1, 2)));
        store.record(KEY, stored);
        Script s = new Script();
        s.offers.put(HeuristicsMode.A, List.of(candidate(1)));
        var c = chosen(EngineChooser.choose(s, DType.BFLOAT16, TUNE, store, KEY));
        assertEquals(stored, c.choice());
        assertEquals("autotuned earlier (engine cache)", c.how());
        assertEquals(0, s.queries);
        assertEquals(1, store.hits());

        s.unbuildable.add(6L); // e.g. a cuDNN update dropped the engine: tuned again, and the new choice replaces it
        var again = chosen(EngineChooser.choose(s, DType.BFLOAT16, TUNE, store, KEY));
        assertEquals(1, again.choice().engineIndex());
        assertEquals(1, store.misses());
        assertEquals(again.choice(), store(dir).get(KEY));
    }

    @Test
    void withoutAutotuningTheStoreIsNotConsulted() {
        FusedEngineStore store = store(null);
        store.record(KEY, new EngineChoice(6, List.of()));
        Script s = new Script();
        s.offers.put(HeuristicsMode.A, List.of(candidate(1)));
        assertEquals(1, chosen(EngineChooser.choose(s, DType.BFLOAT16, FIRST, store, KEY)).choice().engineIndex());
        assertEquals(0, store.hits() + store.misses());
    }
}

package dev.jdnn.ops.cuda;

import dev.jdnn.bindings.Check;
import dev.jdnn.bindings.cuda.cuda_h;
import dev.jdnn.bindings.nvrtc.nvrtc_h;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Compiles each {@link KernelFile} once per device architecture with NVRTC and keeps the loaded module.
 * Compiled images are also cached on disk under {@code $XDG_CACHE_HOME/jdnn/kernels} (default
 * {@code ~/.cache/jdnn/kernels}), named by the SHA-256 of source, options and NVRTC version, so a later process
 * skips compilation. Fast math stays off so results match the CPU backend's float arithmetic as closely as possible.
 * Loading modules needs a current CUDA context; compiling does not (see {@link #compile}).
 */
public final class KernelCache implements AutoCloseable {
    private final String arch;   // e.g. "sm_90": real SASS, so no PTX JIT at load time
    private final Path diskCache; // null disables the disk cache
    private final Map<KernelFile, MemorySegment> modules = new EnumMap<>(KernelFile.class);
    private final Map<String, MemorySegment> functions = new HashMap<>();

    public KernelCache(int ccMajor, int ccMinor, Path diskCache) {
        this.arch = "sm_" + ccMajor + ccMinor;
        this.diskCache = diskCache;
    }

    /** {@code $XDG_CACHE_HOME/jdnn/kernels} or {@code ~/.cache/jdnn/kernels}. */
    public static Path defaultDiskCache() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("jdnn").resolve("kernels");
    }

    /** The CUfunction {@code name} from {@code file}, compiling and loading the file on first use. */
    public synchronized MemorySegment function(KernelFile file, String name) {
        String key = file.name() + "/" + name;
        MemorySegment f = functions.get(key);
        if (f != null) return f;
        MemorySegment module = modules.computeIfAbsent(file, this::load);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            Check.driver(cuda_h.cuModuleGetFunction(out, module, arena.allocateFrom(name)), "cuModuleGetFunction(" + key + ")");
            f = out.get(ValueLayout.ADDRESS, 0);
        }
        functions.put(key, f);
        return f;
    }

    private MemorySegment load(KernelFile file) {
        byte[] image = cachedOrCompiled(file);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            MemorySegment data = arena.allocate(image.length + 1L);
            MemorySegment.copy(image, 0, data, ValueLayout.JAVA_BYTE, 0, image.length);
            Check.driver(cuda_h.cuModuleLoadData(out, data), "cuModuleLoadData(" + file.fileName() + " for " + arch + ")");
            return out.get(ValueLayout.ADDRESS, 0);
        }
    }

    private byte[] cachedOrCompiled(KernelFile file) {
        String source = source(file);
        List<String> options = options(arch);
        Path cached = diskCache == null ? null : diskCache.resolve(cacheKey(source, options) + ".cubin");
        if (cached != null && Files.isReadable(cached)) {
            try {
                return Files.readAllBytes(cached);
            } catch (IOException e) {
                // unreadable cache entry: recompile below
            }
        }
        byte[] image = compile(source, file.fileName(), options, true);
        if (cached != null) writeQuietly(cached, image);
        return image;
    }

    /** Writes via a temporary file and an atomic move, so concurrent processes never see half a file. */
    private static void writeQuietly(Path target, byte[] data) {
        try {
            Files.createDirectories(target.getParent());
            Path tmp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
            Files.write(tmp, data);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | UnsupportedOperationException e) {
            System.getLogger(KernelCache.class.getName()).log(System.Logger.Level.DEBUG, "kernel disk cache not written: " + e);
        }
    }

    /** The NVRTC options for a target: "sm_90" gives a cubin, "compute_90" PTX. */
    static List<String> options(String target) {
        return List.of("--gpu-architecture=" + target, "-default-device", "-std=c++17");
    }

    static String cacheKey(String source, List<String> options) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(source.getBytes(StandardCharsets.UTF_8));
            sha.update(String.join("\u0000", options).getBytes(StandardCharsets.UTF_8));
            sha.update(nvrtcVersion().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** "13.0": part of the cache key, since another compiler may produce another image. */
    public static String nvrtcVersion() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment major = arena.allocate(ValueLayout.JAVA_INT), minor = arena.allocate(ValueLayout.JAVA_INT);
            Check.nvrtc(nvrtc_h.nvrtcVersion(major, minor), "nvrtcVersion");
            return major.get(ValueLayout.JAVA_INT, 0) + "." + minor.get(ValueLayout.JAVA_INT, 0);
        }
    }

    /** The full source NVRTC sees for {@code file}: the common header, then the file with its own line numbers. */
    public static String source(KernelFile file) {
        return resource(KernelFile.COMMON) + "\n#line 1 \"" + file.fileName() + "\"\n" + resource(file.fileName());
    }

    private static String resource(String name) {
        String path = "kernels/" + name;
        try (InputStream in = KernelCache.class.getResourceAsStream(path)) {
            if (in == null) throw new IllegalStateException("kernel source resource dev/jdnn/ops/cuda/" + path + " is missing from the classpath");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("reading kernel source " + path, e);
        }
    }

    /** PTX for a virtual architecture such as "compute_90"; needs NVRTC only, no GPU. */
    public static String compileToPtx(KernelFile file, String virtualArch) {
        byte[] ptx = compile(source(file), file.fileName(), options(virtualArch), false);
        int end = ptx.length;
        while (end > 0 && ptx[end - 1] == 0) end--;
        return new String(ptx, 0, end, StandardCharsets.US_ASCII);
    }

    /**
     * Compiles {@code source} with NVRTC; returns the cubin ({@code cubin} true, needs an sm_XY target) or PTX.
     * A compile error throws {@link dev.jdnn.bindings.CudaException} carrying the NVRTC log.
     */
    public static byte[] compile(String source, String name, List<String> options, boolean cubin) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment progOut = arena.allocate(ValueLayout.ADDRESS);
            Check.nvrtc(nvrtc_h.nvrtcCreateProgram(progOut, arena.allocateFrom(source), arena.allocateFrom(name), 0,
                    MemorySegment.NULL, MemorySegment.NULL), "nvrtcCreateProgram(" + name + ")");
            MemorySegment prog = progOut.get(ValueLayout.ADDRESS, 0);
            try {
                MemorySegment opts = arena.allocate(ValueLayout.ADDRESS, options.size());
                for (int i = 0; i < options.size(); i++) opts.setAtIndex(ValueLayout.ADDRESS, i, arena.allocateFrom(options.get(i)));
                Check.nvrtcCompile(nvrtc_h.nvrtcCompileProgram(prog, options.size(), opts), prog);
                MemorySegment size = arena.allocate(ValueLayout.JAVA_LONG);
                if (cubin) Check.nvrtc(nvrtc_h.nvrtcGetCUBINSize(prog, size), "nvrtcGetCUBINSize(" + name + ")");
                else Check.nvrtc(nvrtc_h.nvrtcGetPTXSize(prog, size), "nvrtcGetPTXSize(" + name + ")");
                MemorySegment out = arena.allocate(Math.max(1, size.get(ValueLayout.JAVA_LONG, 0)));
                if (cubin) Check.nvrtc(nvrtc_h.nvrtcGetCUBIN(prog, out), "nvrtcGetCUBIN(" + name + ")");
                else Check.nvrtc(nvrtc_h.nvrtcGetPTX(prog, out), "nvrtcGetPTX(" + name + ")");
                return out.toArray(ValueLayout.JAVA_BYTE);
            } finally {
                progOut.set(ValueLayout.ADDRESS, 0, prog);
                nvrtc_h.nvrtcDestroyProgram(progOut);
            }
        }
    }

    /** Unloads every module; needs the context still alive. */
    @Override
    public synchronized void close() {
        for (MemorySegment m : modules.values()) cuda_h.cuModuleUnload(m);
        modules.clear();
        functions.clear();
    }
}

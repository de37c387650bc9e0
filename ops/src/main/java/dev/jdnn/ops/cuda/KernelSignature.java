package dev.jdnn.ops.cuda;

import dev.jdnn.memory.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parameter kinds of an extern "C" kernel, read from its source, so a launch whose Java arguments do not match
 * (wrong count, an Integer where the kernel takes a 64-bit value...) fails with a clear message instead of the
 * kernel reading garbage. Checked once per kernel, at its first launch.
 */
record KernelSignature(String kernel, List<Kind> params) {
    enum Kind { INT, FLOAT, WIDE /* i64 or pointer: 8 bytes */, REF /* common.cuh's Ref */, WALK /* common.cuh's Walk */, STRUCT }

    static KernelSignature parse(String source, String kernel) {
        Matcher m = Pattern.compile("extern \"C\" __global__ void " + Pattern.quote(kernel) + "\\(([^)]*)\\)").matcher(source);
        if (!m.find()) throw new IllegalStateException("kernel " + kernel + " is not declared in its source");
        List<Kind> kinds = new ArrayList<>();
        for (String p : m.group(1).split(",")) {
            String t = p.trim().replaceAll("\\s+", " ");
            if (t.isEmpty()) continue;
            if (t.contains("*") || t.startsWith("i64 ")) kinds.add(Kind.WIDE);
            else if (t.startsWith("int ")) kinds.add(Kind.INT);
            else if (t.startsWith("float ")) kinds.add(Kind.FLOAT);
            else if (t.startsWith("Ref ")) kinds.add(Kind.REF);
            else if (t.startsWith("Walk ")) kinds.add(Kind.WALK);
            else kinds.add(Kind.STRUCT);
        }
        return new KernelSignature(kernel, List.copyOf(kinds));
    }

    /** Throws naming the kernel and the first mismatching argument. */
    void check(Object[] args) {
        if (args.length != params.size()) {
            throw new IllegalArgumentException("kernel " + kernel + " takes " + params.size() + " arguments, " + args.length + " were given");
        }
        for (int i = 0; i < args.length; i++) {
            Kind expected = params.get(i);
            boolean ok = switch (args[i]) {
                case null -> expected == Kind.WIDE;
                case Integer v -> expected == Kind.INT;
                case Boolean v -> expected == Kind.INT;
                case Float v -> expected == Kind.FLOAT;
                case Long v -> expected == Kind.WIDE;
                case Tensor t -> expected == Kind.WIDE;
                case int[] s -> expected == Kind.STRUCT;
                case KernelOperands.Ref r -> expected == Kind.REF;
                case KernelOperands.Walk w -> expected == Kind.WALK;
                default -> false;
            };
            if (!ok) {
                throw new IllegalArgumentException("kernel " + kernel + " argument " + i + " must be " + expected + ", got "
                        + (args[i] == null ? "null" : args[i].getClass().getSimpleName()));
            }
        }
    }
}

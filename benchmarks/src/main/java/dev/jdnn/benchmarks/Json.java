package dev.jdnn.benchmarks;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Writes maps, lists, strings, numbers, booleans and null as JSON (the few shapes the results need; no dependency). */
public final class Json {
    private Json() {}

    public static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        write(value, sb, "");
        return sb.append('\n').toString();
    }

    private static void write(Object v, StringBuilder sb, String indent) {
        switch (v) {
            case null -> sb.append("null");
            case String s -> string(s, sb);
            case Boolean b -> sb.append(b);
            case Double d -> number(d, sb);
            case Float f -> number(f.doubleValue(), sb);
            case Number n -> sb.append(n);
            case Map<?, ?> m -> container(m.entrySet().iterator(), '{', '}', sb, indent, (e, in) -> {
                string(String.valueOf(e.getKey()), sb);
                sb.append(": ");
                write(e.getValue(), sb, in);
            });
            case List<?> l -> container(l.iterator(), '[', ']', sb, indent, (e, in) -> write(e, sb, in));
            default -> throw new IllegalArgumentException("Json: cannot write a " + v.getClass().getName());
        }
    }

    private interface Element<T> { void write(T element, String indent); }

    private static <T> void container(Iterator<T> it, char open, char close, StringBuilder sb, String indent, Element<T> each) {
        sb.append(open);
        String inner = indent + "  ";
        boolean first = true;
        while (it.hasNext()) {
            sb.append(first ? "\n" : ",\n").append(inner);
            each.write(it.next(), inner);
            first = false;
        }
        if (!first) sb.append('\n').append(indent);
        sb.append(close);
    }

    /** NaN and infinities have no JSON form: they become null. */
    private static void number(double d, StringBuilder sb) {
        if (Double.isNaN(d) || Double.isInfinite(d)) sb.append("null");
        else sb.append(d);
    }

    private static void string(String s, StringBuilder sb) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) sb.append("\\u%04x".formatted((int) c));
                    else sb.append(c);
                }
            }
        }
        sb.append('"');
    }
}

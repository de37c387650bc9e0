package dev.jdnn.examples;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pairs the README's Java blocks with example sources: a source region runs from {@code // README: begin NAME} to
 * {@code // README: end}; the README's block follows {@code <!-- example: NAME -->}. Both are compared without their
 * common indentation.
 */
final class ReadmeSnippets {
    private ReadmeSnippets() {}

    static Map<String, String> regions(String source) {
        Map<String, String> out = new LinkedHashMap<>();
        List<String> lines = source.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).strip();
            if (!l.startsWith("// README: begin ")) continue;
            String name = l.substring("// README: begin ".length()).strip();
            int end = i + 1;
            while (!lines.get(end).strip().equals("// README: end")) end++;
            out.put(name, dedent(lines.subList(i + 1, end)));
        }
        return out;
    }

    /** The fenced block after the marker, or null. */
    static String block(String readme, String name) {
        int at = readme.indexOf("<!-- example: " + name + " -->");
        if (at < 0) return null;
        int open = readme.indexOf("```java\n", at), close = readme.indexOf("\n```", open + 8);
        return dedent(readme.substring(open + 8, close).lines().toList());
    }

    private static String dedent(List<String> lines) {
        int indent = lines.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        StringBuilder sb = new StringBuilder();
        for (String l : lines) sb.append(l.isBlank() ? "" : l.substring(indent).stripTrailing()).append('\n');
        return sb.toString();
    }
}

package dropgrid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded random mutations of the shipped specs (experiment-specs/*.yaml), each through {@code plan}
 * and, when plan refuses it, through {@code run}: every one must exit 0 or 2, say what is wrong in
 * readable lines (no stack trace, no Java class name), and a refused spec must never start a run (no
 * cell, no committed file). {@code -Ddropgrid.fuzz.count=N} sets the campaign's size (CI: 1,000).
 * Outcome counts go to {@code target/fault-campaigns/fuzz.txt}.
 */
class SpecFuzzTest {

    static final Path SPECS = Path.of("../experiment-specs").toAbsolutePath().normalize();
    static final String GLUE = Path.of(System.getProperty("dropgrid.glueDir")).toAbsolutePath().normalize().toString();
    static final YAMLMapper YAML = new YAMLMapper();
    /** What a readable message never shows: stack frames, exception classes, Jackson's type names. */
    static final Pattern UNREADABLE = Pattern.compile("\\tat |^\\s+at [a-z]|Exception\\b|java\\.(lang|util)\\."
            + "|com\\.fasterxml|dropgrid\\.[a-z]+\\.[A-Z]|\\$[A-Z]");
    static final String[] NOISE = {":", "{", "}", "[", "]", ",", "-", "#", "&", "*", "!", "|", ">", "'", "\"", "%",
        "@", "\t", " ", "\n", "  ", "~", "${X}", "0", "-1", "1e309", ".nan"};

    @TempDir Path dir;

    @Test
    void mutatedSpecsExitZeroOrTwoWithReadableLinesAndNeverStartARun() throws Exception {
        int count = Integer.getInteger("dropgrid.fuzz.count", 1000);
        List<Path> specs;
        try (Stream<Path> s = Files.list(SPECS)) {
            specs = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        List<JsonNode> trees = new ArrayList<>();
        for (Path spec : specs) {
            trees.add(absoluteSources(YAML.readTree(spec.toFile()), spec.getParent()));
        }
        Map<String, Integer> outcomes = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        for (int seed = 0; seed < count; seed++) {
            Random random = new Random(seed);
            int which = random.nextInt(trees.size());
            String text = mutate(trees.get(which).deepCopy(), random);
            Path file = dir.resolve("fuzz-" + seed + ".yaml");
            Files.writeString(file, text);
            String output = dir.resolve("out-" + seed).toString();
            String where = "seed " + seed + " (" + specs.get(which).getFileName() + "):\n" + text;

            try {
                Result plan = execute("plan", file.toString(), "--glue-dir", GLUE, "--output", output);
                check(plan, where);
                String kind = plan.exit == 0 ? "exit 0 (valid)" : "exit 2: " + kind(plan.err);
                outcomes.merge(kind, 1, Integer::sum);
                if (plan.exit == 2) {
                    Result run = execute("run", file.toString(), "--glue-dir", GLUE, "--output", output, "--master",
                            "local[1]", "--runner", RecordingRunner.class.getName());
                    check(run, where);
                    assertEquals(2, run.exit, "plan refused it, run must too: " + where + "\n" + run.err);
                    assertTrue(Files.notExists(Path.of(output, "cells")) || isEmpty(Path.of(output, "cells")),
                            "a refused spec started a run: " + where);
                    assertEquals(0, RecordingRunner.CALLS.get(), "a refused spec ran a cell: " + where);
                }
            } catch (AssertionError e) {
                failures.add(e.getMessage());
            }
        }
        assertTrue(failures.isEmpty(), failures.size() + " of " + count + " mutations failed, saying:\n"
                + String.join("\n", failures.stream().map(f -> f.lines().findFirst().orElse("")).distinct().toList())
                + "\nthe first one:\n" + (failures.isEmpty() ? "" : failures.get(0)));
        Path record = Path.of("target", "fault-campaigns", "fuzz.txt");
        Files.createDirectories(record.getParent());
        StringBuilder s = new StringBuilder(count + " mutations of " + specs.size() + " shipped specs:\n");
        outcomes.forEach((k, v) -> s.append("  ").append(v).append("  ").append(k).append('\n'));
        Files.writeString(record, s.toString());
        assertEquals(count, outcomes.values().stream().mapToInt(Integer::intValue).sum());
    }

    record Result(int exit, String out, String err) {}

    static Result execute(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    static void check(Result r, String where) {
        if (r.exit != 0 && r.exit != 2) {
            fail("exit " + r.exit + ": " + r.err + "for " + where);
        }
        List<String> lines = r.err.lines().toList();
        if (r.exit == 2) {
            assertTrue(!lines.isEmpty() && lines.get(0).startsWith("dropgrid "), "no message: " + where + "\n" + r.err);
            assertEquals("", r.out, "a refused spec printed data: " + where);
            for (String line : lines.subList(1, lines.size())) {
                assertTrue(line.startsWith("  - "), "not one readable line per problem: " + where + "\n" + r.err);
            }
        }
        for (String line : lines) {
            assertTrue(!UNREADABLE.matcher(line).find(), "unreadable line '" + line + "' for " + where);
        }
    }

    /** The error's kind, for the campaign's counts: syntax, type, unknown key, missing field, other. */
    static String kind(String err) {
        String first = err.lines().skip(1).findFirst().orElse(err.lines().findFirst().orElse(""));
        if (first.contains("GLUE") || err.contains("found before the first cell")) {
            return "inputs (GLUE files, models, output)";
        }
        if (first.contains("not valid YAML") || first.contains("document starts here")) {
            return "YAML syntax (line, column)";
        }
        if (first.contains(": must be ")) {
            return "wrong type, in the spec's words";
        }
        if (first.contains("unknown key")) {
            return "unknown key";
        }
        if (first.contains("missing") || first.contains("empty")) {
            return "missing or empty field";
        }
        return "a value not allowed";
    }

    /** The tree with relative model sources made absolute, so the mutated copy can live elsewhere. */
    static JsonNode absoluteSources(JsonNode tree, Path base) {
        for (JsonNode m : tree.path("models")) {
            String source = m.path("source").asText("");
            if (source.startsWith(".")) {
                ((ObjectNode) m).put("source", base.resolve(source).normalize().toString());
            }
        }
        return tree;
    }

    /** One to three mutations of the tree, then, half the time, of its text. */
    static String mutate(JsonNode tree, Random random) throws IOException {
        int n = 1 + random.nextInt(3);
        for (int i = 0; i < n; i++) {
            mutateTree(tree, random);
        }
        String text = YAML.writeValueAsString(tree);
        if (random.nextBoolean()) {
            text = mutateText(text, random);
        }
        return text;
    }

    static void mutateTree(JsonNode root, Random random) {
        List<JsonNode> containers = new ArrayList<>();
        collect(root, containers);
        JsonNode c = containers.get(random.nextInt(containers.size()));
        if (c instanceof ObjectNode o) {
            List<String> keys = new ArrayList<>();
            o.fieldNames().forEachRemaining(keys::add);
            String key = keys.isEmpty() ? "k" : keys.get(random.nextInt(keys.size()));
            switch (random.nextInt(5)) {
                case 0 -> o.remove(key);
                case 1 -> o.set(key, randomValue(random));
                case 2 -> o.set(key + (random.nextBoolean() ? "s" : "_x"), randomValue(random));
                case 3 -> {
                    JsonNode v = o.remove(key);
                    o.set(key.length() > 1 ? key.substring(1) : key + key, v);
                }
                default -> o.set("unknown_" + random.nextInt(100), randomValue(random));
            }
        } else if (c instanceof ArrayNode a) {
            switch (random.nextInt(4)) {
                case 0 -> {
                    if (!a.isEmpty()) {
                        a.remove(random.nextInt(a.size()));
                    }
                }
                case 1 -> {
                    if (!a.isEmpty()) {
                        a.add(a.get(random.nextInt(a.size())).deepCopy());
                    }
                }
                case 2 -> a.add(randomValue(random));
                default -> {
                    if (!a.isEmpty()) {
                        a.set(random.nextInt(a.size()), randomValue(random));
                    }
                }
            }
        }
    }

    static void collect(JsonNode n, List<JsonNode> containers) {
        if (n.isContainerNode()) {
            containers.add(n);
            n.forEach(child -> collect(child, containers));
        }
    }

    static JsonNode randomValue(Random random) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        return switch (random.nextInt(12)) {
            case 0 -> f.textNode("x" + random.nextInt(1000));
            case 1 -> f.numberNode(random.nextInt(41) - 20);
            case 2 -> f.numberNode(random.nextDouble() * 3 - 1);
            case 3 -> f.booleanNode(random.nextBoolean());
            case 4 -> f.nullNode();
            case 5 -> f.arrayNode();
            case 6 -> f.objectNode();
            case 7 -> f.arrayNode().add(random.nextInt(7)).add("top").add(0.5);
            case 8 -> f.objectNode().put("name", "top").put("options", 3);
            case 9 -> f.numberNode(Long.MAX_VALUE);
            case 10 -> f.textNode(random.nextBoolean() ? "" : "  ");
            default -> f.textNode(random.nextBoolean() ? "RTE" : "bert-base-uncased");
        };
    }

    static String mutateText(String text, Random random) {
        if (text.isEmpty()) {
            return text;
        }
        int at = random.nextInt(text.length());
        List<String> lines = new ArrayList<>(text.lines().toList());
        int line = random.nextInt(lines.size());
        switch (random.nextInt(6)) {
            case 0 -> {
                return text.substring(0, at) + text.substring(at + 1);
            }
            case 1 -> {
                return text.substring(0, at) + NOISE[random.nextInt(NOISE.length)] + text.substring(at);
            }
            case 2 -> lines.add(line, lines.get(line));
            case 3 -> lines.remove(line);
            case 4 -> lines.set(line, " ".repeat(1 + random.nextInt(3)) + lines.get(line));
            default -> {
                return text.substring(0, at);
            }
        }
        return String.join("\n", lines) + "\n";
    }

    static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }
}

package dropgrid.report;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * The numbers Sajjad et al. published in arXiv 2004.03844 v1, read from the CSV files embedded under
 * {@code dropgrid/report/paper/} (their README gives the provenance of every file): top-layer dropping
 * per task (Table 1, Table 6), 7-task averages per strategy × K (Figures 2 and 3), cost (Table 3) and
 * the pre-trained vs fine-tuned similarities (Figure 5).
 */
public final class PaperNumbers {

    /** The tasks of the paper's averages, in its column order. */
    public static final List<String> TASKS = List.of("SST-2", "MNLI", "QNLI", "QQP", "STS-B", "RTE", "MRPC");

    private static final String DIR = "/dropgrid/report/paper/";
    private static final PaperNumbers INSTANCE = load();

    /** One strategy × K average of the paper and where it comes from (table, or bar measured in a figure). */
    public record Average(double value, String source) {}

    /** Cost of top-dropping K layers (Table 3). */
    public record PaperCost(double paramsMillions, double finetuneSpeedup, double inferenceTimeReductionPercent) {}

    private final Map<String, Map<Integer, Map<String, Double>>> topByTask = new TreeMap<>();
    private final Map<String, Integer> depths = new TreeMap<>();
    private final Map<String, Average> averages = new TreeMap<>();
    private final Map<String, Map<Integer, PaperCost>> cost = new TreeMap<>();
    private final Map<String, List<Double>> similarity = new TreeMap<>();

    private PaperNumbers() {}

    public static PaperNumbers get() {
        return INSTANCE;
    }

    /**
     * The paper's model that one of ours reproduces, by architecture and depth: a 12-layer BERT is its
     * {@code bert-base}, a 6-layer DistilBERT its {@code distilbert-base}, and so on; empty for others
     * (bert-large, the smoke models).
     */
    public Optional<String> paperModel(String architecture, int depth) {
        String name = architecture + "-base";
        return Integer.valueOf(depth).equals(depths.get(name)) ? Optional.of(name) : Optional.empty();
    }

    /** The paper's score for one task after top-dropping K layers (K = 0: the full model). */
    public OptionalDouble topScore(String paperModel, int drop, String task) {
        Double v = topByTask.getOrDefault(paperModel, Map.of()).getOrDefault(drop, Map.of()).get(task);
        return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
    }

    /** The mean of Table 1's top-dropping scores over {@code tasks}; NaN if the paper lacks one of them. */
    public double topAverage(String paperModel, int drop, List<String> tasks) {
        if (tasks.isEmpty()) {
            return Double.NaN;
        }
        double sum = 0;
        for (String task : tasks) {
            OptionalDouble v = topScore(paperModel, drop, task);
            if (v.isEmpty()) {
                return Double.NaN;
            }
            sum += v.getAsDouble();
        }
        return sum / tasks.size();
    }

    /** The K the paper measured top-dropping at (0 included), ascending. */
    public List<Integer> topDrops(String paperModel) {
        return List.copyOf(topByTask.getOrDefault(paperModel, Map.of()).keySet());
    }

    /** The paper's 7-task average of a strategy at K ({@code none}, 0: the full model). */
    public Optional<Average> average(String paperModel, String strategy, int drop) {
        return Optional.ofNullable(averages.get(paperModel + "/" + strategy + "/" + drop));
    }

    public Optional<PaperCost> cost(String paperModel, int drop) {
        return Optional.ofNullable(cost.getOrDefault(paperModel, Map.of()).get(drop));
    }

    /** Figure 5: per layer (0 = embeddings), the cosine similarity of pre-trained and fine-tuned representations. */
    public List<Double> similarity(String paperModel) {
        return similarity.getOrDefault(paperModel, List.of());
    }

    private static PaperNumbers load() {
        PaperNumbers p = new PaperNumbers();
        List<String[]> top = csv("top-dropping-per-task.csv");
        List<String> header = Arrays.asList(top.get(0));
        for (String[] row : top.subList(1, top.size())) {
            Map<String, Double> byTask = new TreeMap<>();
            for (String task : TASKS) {
                byTask.put(task, Double.parseDouble(row[header.indexOf(task)]));
            }
            p.topByTask.computeIfAbsent(row[0], m -> new TreeMap<>()).put(Integer.parseInt(row[2]), byTask);
            p.depths.put(row[0], Integer.parseInt(row[1]));
        }
        List<String[]> averages = csv("strategy-averages.csv");
        for (String[] row : averages.subList(1, averages.size())) {
            p.averages.put(row[0] + "/" + row[1] + "/" + row[2], new Average(Double.parseDouble(row[3]), row[4]));
        }
        List<String[]> cost = csv("cost.csv");
        for (String[] row : cost.subList(1, cost.size())) {
            p.cost.computeIfAbsent(row[0], m -> new TreeMap<>()).put(Integer.parseInt(row[1]),
                    new PaperCost(Double.parseDouble(row[3]), Double.parseDouble(row[4]), Double.parseDouble(row[5])));
        }
        List<String[]> similarity = csv("similarity-pretrained-vs-finetuned.csv");
        List<String> models = Arrays.asList(similarity.get(0));
        for (int c = 1; c < models.size(); c++) {
            List<Double> layers = new ArrayList<>();
            for (String[] row : similarity.subList(1, similarity.size())) {
                layers.add(Double.parseDouble(row[c]));
            }
            p.similarity.put(models.get(c), List.copyOf(layers));
        }
        return p;
    }

    /** The files are ours and plain: comma-separated, no quoting. */
    private static List<String[]> csv(String name) {
        try (InputStream in = PaperNumbers.class.getResourceAsStream(DIR + name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + DIR + name + " is missing from the dropgrid jar");
            }
            List<String[]> rows = new ArrayList<>();
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (!line.isBlank()) {
                    rows.add(line.split(",", -1));
                }
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read resource " + DIR + name, e);
        }
    }
}

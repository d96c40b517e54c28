package dropgrid.report;

import dropgrid.report.PaperComparison.AverageRow;
import dropgrid.vocabulary.Baseline;
import dropgrid.vocabulary.DropStage;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;

/**
 * The paper's figures drawn with XChart, each saved as PNG (for the HTML page) and SVG (for print):
 * Δ per strategy and K per model (paper Fig. 2), our Δ beside the paper's, score against K per task,
 * and the contribution strategy's layer similarities as a heat map. Error bars are 95 % intervals
 * over seeds ({@link Estimate}); a value from one seed has none.
 */
public final class Figures {

    /**
     * One saved figure.
     *
     * @param png path of the PNG, relative to the report directory
     * @param svg path of the SVG, relative to the report directory
     */
    public record Figure(String title, String png, String svg) {}

    private static final int WIDTH = 960;
    private static final int HEIGHT = 540;

    private Figures() {}

    /** Draws every figure the report has data for into {@code dir/figures}. */
    public static List<Figure> write(Analysis report, PaperComparison comparison, Path dir) {
        // Charts are drawn off-screen; without this a server JVM with no display may fail in AWT.
        System.setProperty("java.awt.headless", "true");
        List<Figure> figures = new ArrayList<>();
        for (String model : report.models()) {
            if (report.stages(model).contains(DropStage.PRETRAINED.id())) {
                figures.add(save(deltaChart(report.strategyTable(model, DropStage.PRETRAINED.id())), dir,
                        "delta-" + slug(model)));
            }
            List<AverageRow> paper = comparison.averages().stream()
                    .filter(a -> a.model().equals(model) && !Double.isNaN(a.paperDelta())).toList();
            if (!paper.isEmpty()) {
                figures.add(save(paperChart(model, paper), dir, "paper-delta-" + slug(model)));
            }
            for (String task : tasks(report, model)) {
                figures.add(save(scoreChart(report, model, task), dir, "score-" + slug(model) + "-" + slug(task)));
            }
            Map<String, List<LayerAnalysis>> analyses = new TreeMap<>();
            report.layerAnalyses().stream().filter(a -> a.model().equals(model))
                    .forEach(a -> analyses.computeIfAbsent(a.task(), t -> new ArrayList<>()).add(a));
            List<Double> paperDrift = PaperNumbers.get().paperModel(report.architecture(model), report.depth(model))
                    .map(pm -> PaperNumbers.get().similarity(pm)).orElse(List.of());
            analyses.forEach((task, cells) -> {
                if (cells.stream().anyMatch(a -> !a.driftCls().isEmpty())) {
                    figures.add(save(layerChart(model + " on " + task + ": pre-trained vs fine-tuned cosine ([CLS]) per layer",
                            "cosine similarity", cells, LayerAnalysis::driftCls, paperDrift), dir,
                            "drift-" + slug(model) + "-" + slug(task)));
                }
                if (cells.stream().anyMatch(a -> !a.probeScores().isEmpty())) {
                    figures.add(save(layerChart(model + " on " + task + ": dev score of a ridge probe per layer",
                            task + " headline score", cells, LayerAnalysis::probeScores, List.of()), dir,
                            "probe-" + slug(model) + "-" + slug(task)));
                }
            });
            List<LayerScores> similarity = report.layerScores().stream().filter(s -> s.model().equals(model)).toList();
            if (!similarity.isEmpty()) {
                figures.add(save(similarityChart(model, similarity), dir, "similarity-" + slug(model)));
            }
        }
        return figures;
    }

    private static TreeSet<String> tasks(Analysis report, String model) {
        TreeSet<String> tasks = new TreeSet<>();
        report.rows().stream().filter(r -> r.modelId().equals(model) && r.usable()).forEach(r -> tasks.add(r.task()));
        return tasks;
    }

    /** Grouped bars: one group per K, one bar per strategy; Δ when there is a baseline, else the average. */
    static CategoryChart deltaChart(StrategyTable table) {
        boolean hasBaseline = table.hasBaseline();
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title(table.model() + ": " + (hasBaseline ? "Δ average GLUE score to the full model" : "average GLUE score (no baseline)")
                        + " (bars: 95 % interval)")
                .xAxisTitle("layers dropped (K)")
                .yAxisTitle(hasBaseline ? "Δ (GLUE points)" : "average score")
                .build();
        style(chart.getStyler());
        chart.getStyler().setOverlapped(false);
        chart.getStyler().setYAxisDecimalPattern("0.0");
        chart.getStyler().setLabelsVisible(true);
        chart.getStyler().setLabelsFont(chart.getStyler().getAxisTickLabelsFont());
        chart.getStyler().setDecimalPattern("0.00");
        List<Integer> drops = table.scores().stream().map(StrategyScore::drop).distinct().sorted().toList();
        Map<String, Map<Integer, Estimate>> byStrategy = new TreeMap<>();
        for (StrategyScore s : table.scores()) {
            byStrategy.computeIfAbsent(s.strategy(), k -> new TreeMap<>()).put(s.drop(), hasBaseline ? s.delta() : s.average());
        }
        List<String> categories = drops.stream().map(String::valueOf).toList();
        byStrategy.forEach((strategy, values) -> {
            List<Double> ys = new ArrayList<>();
            List<Double> errors = new ArrayList<>();
            for (int drop : drops) {
                Estimate y = values.getOrDefault(drop, Estimate.UNKNOWN);
                // XChart draws no bar for NaN (missing K, no common task); null would break its error bars.
                ys.add(y.mean());
                errors.add(errorBar(y));
            }
            chart.addSeries(strategy, categories, ys, errors);
        });
        return chart;
    }

    /** The half-width of the 95 % interval, 0 (no bar) without one. */
    private static double errorBar(Estimate e) {
        return e.hasInterval() ? e.halfWidth() : 0;
    }

    /** Our Δ (paper metrics, with intervals) beside the paper's, for every cell the paper has a value for. */
    static CategoryChart paperChart(String model, List<AverageRow> rows) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title(model + " beside the paper's " + rows.get(0).paperModel() + ": Δ to the full model (paper metrics)")
                .xAxisTitle("strategy, K").yAxisTitle("Δ (points)").build();
        style(chart.getStyler());
        chart.getStyler().setOverlapped(false);
        chart.getStyler().setYAxisDecimalPattern("0.0");
        chart.getStyler().setXAxisLabelRotation(30);
        List<String> categories = new ArrayList<>();
        List<Double> ours = new ArrayList<>();
        List<Double> errors = new ArrayList<>();
        List<Double> paper = new ArrayList<>();
        for (AverageRow r : rows) {
            categories.add(r.strategy() + " K=" + r.drop() + (r.missing().isEmpty() ? "" : " (" + r.tasks().size() + " tasks)"));
            ours.add(r.oursDelta().mean());
            errors.add(errorBar(r.oursDelta()));
            paper.add(r.paperDelta());
        }
        chart.addSeries("ours (95 % interval)", categories, ours, errors);
        chart.addSeries("paper", categories, paper);
        return chart;
    }

    /** Score against K for one task: one line per strategy, all starting from the baseline at K = 0. */
    static XYChart scoreChart(Analysis report, String model, String task) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title(model + " on " + task + ": score by layers dropped (bars: 95 % interval over seeds)")
                .xAxisTitle("layers dropped (K)").yAxisTitle(task + " headline score").build();
        style(chart.getStyler());
        chart.getStyler().setXAxisDecimalPattern("0");
        chart.getStyler().setMarkerSize(8);
        Estimate base = report.taskScores(model, DropStage.PRETRAINED.id(), Baseline.STRATEGY, 0).get(task);
        Map<String, TreeMap<Integer, Estimate>> lines = new TreeMap<>();
        for (String stage : report.stages(model)) {
            StrategyTable table = report.strategyTable(model, stage);
            for (StrategyScore s : table.scores()) {
                Estimate m = report.taskScores(model, s.stage(), s.strategy(), s.drop()).get(task);
                if (m != null) {
                    String name = s.strategy() + (DropStage.FINETUNED.id().equals(s.stage()) ? " (after fine-tune)" : "");
                    lines.computeIfAbsent(name, k -> new TreeMap<>()).put(s.drop(), m);
                }
            }
        }
        lines.forEach((name, points) -> {
            if (base != null) {
                points.put(0, base);
            }
            XYSeries series = chart.addSeries(name, new ArrayList<>(points.keySet()),
                    points.values().stream().map(Estimate::mean).toList(),
                    points.values().stream().map(Figures::errorBar).toList());
            series.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        });
        if (lines.isEmpty() && base != null) {
            chart.addSeries("baseline", List.of(0), List.of(base.mean()));
        }
        return chart;
    }

    /**
     * One line per cell against hidden state (0 = embeddings); the paper's full-model curve beside them
     * when given (its Figure 5 for drift).
     */
    static XYChart layerChart(String title, String yTitle, List<LayerAnalysis> cells,
            Function<LayerAnalysis, List<Double>> values, List<Double> paper) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle("hidden state (0 = embeddings, i = i-th kept layer)").yAxisTitle(yTitle).build();
        style(chart.getStyler());
        chart.getStyler().setXAxisDecimalPattern("0");
        chart.getStyler().setMarkerSize(7);
        for (LayerAnalysis a : cells) {
            List<Double> ys = values.apply(a);
            if (ys.isEmpty()) {
                continue;
            }
            List<Integer> xs = new ArrayList<>();
            for (int i = 0; i < ys.size(); i++) {
                xs.add(i);
            }
            String name = (a.strategy().equals(Baseline.STRATEGY) ? "full model" : a.strategy() + " K=" + a.drop())
                    + (DropStage.FINETUNED.id().equals(a.stage()) ? " (after fine-tune)" : "") + " (" + a.seeds() + " seed"
                    + (a.seeds() == 1 ? "" : "s") + ")";
            chart.addSeries(name, xs, ys).setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        }
        if (!paper.isEmpty()) {
            List<Integer> xs = new ArrayList<>();
            for (int i = 0; i < paper.size(); i++) {
                xs.add(i);
            }
            chart.addSeries("paper, full model (Figure 5)", xs, paper).setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        }
        return chart;
    }

    /** Heat map of the per-layer scores: layers across, tasks down. */
    static HeatMapChart similarityChart(String model, List<LayerScores> scores) {
        HeatMapChart chart = new HeatMapChartBuilder().width(WIDTH).height(Math.max(HEIGHT, 120 + 60 * scores.size()))
                .title(model + ": layer similarity measured by the contribution strategy")
                .xAxisTitle("layer (0 = bottom)").yAxisTitle("task").build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setShowValue(true);
        chart.getStyler().setHeatMapValueDecimalPattern("0.00");
        chart.getStyler().setPlotContentSize(0.95);
        // A light sequential palette keeps the black cell values readable at both ends.
        chart.getStyler().setRangeColors(new Color[] {new Color(0xFF, 0xFF, 0xCC), new Color(0xA1, 0xDA, 0xB4),
            new Color(0x41, 0xB6, 0xC4)});
        int layers = scores.stream().mapToInt(s -> s.scores().size()).max().orElse(0);
        List<Integer> xs = new ArrayList<>();
        for (int i = 0; i < layers; i++) {
            xs.add(i);
        }
        List<String> ys = scores.stream().map(LayerScores::task).toList();
        List<Number[]> cells = new ArrayList<>();
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int y = 0; y < scores.size(); y++) {
            List<Double> row = scores.get(y).scores();
            for (int x = 0; x < row.size(); x++) {
                cells.add(new Number[] {x, y, row.get(x)});
                min = Math.min(min, row.get(x));
                max = Math.max(max, row.get(x));
            }
        }
        chart.getStyler().setMin(min);
        chart.getStyler().setMax(max > min ? max : min + 1e-9);
        chart.addSeries("similarity", xs, ys, cells);
        return chart;
    }

    private static void style(Styler styler) {
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setLegendPosition(Styler.LegendPosition.OutsideE);
        styler.setLegendBorderColor(Color.LIGHT_GRAY);
    }

    private static Figure save(Chart<?, ?> chart, Path dir, String stem) {
        try {
            Path figures = Files.createDirectories(dir.resolve("figures"));
            BitmapEncoder.saveBitmapWithDPI(chart, figures.resolve(stem + ".png").toString(), BitmapEncoder.BitmapFormat.PNG, 144);
            VectorGraphicsEncoder.saveVectorGraphic(chart, figures.resolve(stem + ".svg").toString(),
                    VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
            return new Figure(chart.getTitle(), "figures/" + stem + ".png", "figures/" + stem + ".svg");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write figure " + stem + " under " + dir, e);
        }
    }

    /** A file-name-safe form of a model or task name ({@code bert-base/uncased} → {@code bert-base_uncased}). */
    static String slug(String name) {
        return name.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}

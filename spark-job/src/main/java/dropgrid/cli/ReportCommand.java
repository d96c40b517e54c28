package dropgrid.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dropgrid.job.ResultsReader;
import dropgrid.report.Analysis;
import dropgrid.report.ReportFiles;
import dropgrid.report.ReportRow;
import dropgrid.storage.Location;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/**
 * {@code dropgrid report RESULTS}: rebuilds the paper's tables and figures from a results Parquet
 * dataset and prints a JSON summary (files written, row counts, failed cells, missing baselines).
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Build the paper's tables (Markdown, HTML, CSV) and figures (PNG, SVG) from a results dataset.")
public final class ReportCommand implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RESULTS", description = "results Parquet directory or s3a:// prefix")
    String results;

    @Option(names = "--out", paramLabel = "DIR",
            description = "output directory (default: 'report' beside a local RESULTS directory, ./report for s3a://)")
    Path out;

    @Option(names = "--format", paramLabel = "LIST", description = "comma-separated: md, html, csv (default: ${DEFAULT-VALUE})")
    String format = "md,html,csv";

    @Override
    public Integer call() throws Exception {
        spec.commandLine().getOut().println(new ObjectMapper().writeValueAsString(run(results, outDir(), format)));
        spec.commandLine().getOut().flush();
        return 0;
    }

    private Path outDir() {
        if (out != null) {
            return out;
        }
        if (Location.of(results).isRemote()) {
            return Path.of("report");
        }
        Path parent = Path.of(results).toAbsolutePath().normalize().getParent();
        return parent == null ? Path.of("report") : parent.resolve("report");
    }

    /** Reads the results, writes the report and returns the summary the command prints. */
    static ObjectNode run(String results, Path out, String format) {
        var formats = ReportFiles.Format.parseList(format);
        List<ReportRow> rows = ResultsReader.read(results);
        Analysis report = new Analysis(rows);
        List<Path> files = ReportFiles.write(report, out, formats);
        ObjectNode summary = new ObjectMapper().createObjectNode();
        summary.put("results", results);
        summary.put("out", out.toAbsolutePath().toString());
        summary.put("rows", rows.size());
        summary.put("ok", rows.size() - report.failed().size());
        summary.put("failed", report.failed().size());
        summary.set("models", new ObjectMapper().valueToTree(report.models()));
        ArrayNode failed = summary.putArray("failed_cells");
        for (ReportRow r : report.failed()) {
            failed.addObject().put("cell_id", r.cellId()).put("model_id", r.modelId()).put("task", r.task())
                    .put("strategy", r.strategy()).put("drop", r.drop()).put("drop_stage", r.dropStage())
                    .put("seed", r.seed()).put("failure_reason", r.failureReason());
        }
        summary.set("missing_baselines", new ObjectMapper().valueToTree(report.missingBaselines()));
        ArrayNode written = summary.putArray("files");
        files.forEach(f -> written.add(f.toString()));
        return summary;
    }
}

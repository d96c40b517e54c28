package dropgrid.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dropgrid.kernels.Kernels;
import dropgrid.train.CellResult;
import dropgrid.train.FineTuneCellRunner;
import dropgrid.vocabulary.Status;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dropgrid bench finetune}: fine-tunes the same cell in one JVM padding each batch to its own
 * longest row and padding everything to {@code --max-seq-length} (the paper's code), alternating the
 * two {@code --repeats} times, and reports the best non-padding training tokens per second of each and
 * their ratio. Same seed, so both see the same batches; only the padding differs. Best-of-n because a
 * shared machine only ever slows a run down. Use {@code --max-steps} to keep it short; short-sentence
 * tasks (SST-2, CoLA) or {@code --length-grouping} show the effect, long-pair tasks at small batches
 * (RTE) fill most batches to the cap anyway.
 */
@Command(name = "finetune", mixinStandardHelpOptions = true,
        description = "Training throughput with and without dynamic padding, in one run; prints one JSON object.")
public final class BenchFinetuneCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Mixin CellOptions options;

    @Option(names = "--repeats", description = "Runs of each padding mode, alternating. Default: ${DEFAULT-VALUE}.")
    int repeats = 2;

    @Override
    public Integer call() {
        if (repeats < 1) {
            throw new IllegalArgumentException("--repeats " + repeats + " is not allowed; must be >= 1");
        }
        FineTuneCellRunner runner = new FineTuneCellRunner(line -> spec.commandLine().getErr().println(line));
        CellResult fixed = null;
        CellResult dynamic = null;
        for (int i = 0; i < repeats; i++) {
            fixed = faster(fixed, runner.run(options.cell(false, spec.commandLine().getErr())));
            dynamic = faster(dynamic, runner.run(options.cell(true, spec.commandLine().getErr())));
        }
        boolean ok = fixed.ok() && dynamic.ok();
        ObjectNode out = new ObjectMapper().createObjectNode();
        out.put("model", dynamic.cell().modelSource());
        out.put("task", dynamic.cell().task());
        out.put("device", dynamic.execution().device());
        out.put("kept_layers", dynamic.layers().keptLayers().size());
        out.put("batch_size", dynamic.cell().hyperparameters().batchSize());
        out.put("max_seq_length", dynamic.cell().hyperparameters().maxSeqLength());
        out.put("length_grouping", dynamic.cell().hyperparameters().lengthGrouping());
        out.put("threads", dynamic.cell().threads());
        out.put("precision", dynamic.cell().hyperparameters().precision().id());
        out.put("native_kernels", Kernels.nativeKernels());
        out.put("repeats", repeats);
        out.put("train_steps", dynamic.training().trainSteps());
        out.put("fixed_train_tokens_per_second", fixed.training().trainTokensPerSecond());
        out.put("dynamic_train_tokens_per_second", dynamic.training().trainTokensPerSecond());
        out.put("dynamic_over_fixed",
                dynamic.training().trainTokensPerSecond() / fixed.training().trainTokensPerSecond());
        out.put("fixed_finetune_seconds", fixed.training().finetuneSeconds());
        out.put("dynamic_finetune_seconds", dynamic.training().finetuneSeconds());
        // The process's peak over every run (the RSS high-water mark only resets where the kernel lets it).
        out.put("peak_rss_bytes", Math.max(fixed.execution().peakRssBytes(), dynamic.execution().peakRssBytes()));
        out.put("status", (ok ? Status.OK : Status.FAILED).id());
        out.put("failure_reason", (fixed.failureReason() + " " + dynamic.failureReason()).trim());
        spec.commandLine().getOut().println(out);
        spec.commandLine().getOut().flush();
        return ok ? 0 : 1;
    }

    /** The run to report: a failed run wins (its reason must show), else the higher throughput. */
    private static CellResult faster(CellResult best, CellResult run) {
        if (best == null || !run.ok()) {
            return run;
        }
        boolean bestIsFaster = best.training().trainTokensPerSecond() >= run.training().trainTokensPerSecond();
        return best.ok() && bestIsFaster ? best : run;
    }
}

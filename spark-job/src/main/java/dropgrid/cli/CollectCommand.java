package dropgrid.cli;

import dropgrid.job.GridJob;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code dropgrid collect OUTPUT}: rebuilds {@code OUTPUT/results/} from the committed cell files
 * (newest per cell id, baselines filled), e.g. after a run was killed or files were copied in.
 */
@Command(name = "collect", mixinStandardHelpOptions = true,
        description = "Rebuild OUTPUT/results/ (Parquet) from the committed cell files.")
final class CollectCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "OUTPUT", description = "a run's output (local or s3a://)")
    String output;

    @Mixin SparkOptions sparkOptions;

    @Override
    public Integer call() throws Exception {
        int rows = GridJob.collect(output, sparkOptions.master);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("output", output);
        result.put("results", GridJob.resultsDir(output));
        result.put("rows", rows);
        spec.commandLine().getOut().println(JsonOutput.MAPPER.writeValueAsString(result));
        spec.commandLine().getOut().flush();
        return 0;
    }
}

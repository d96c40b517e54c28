package dropgrid.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dropgrid.train.CellResult;
import dropgrid.train.FineTuneCellRunner;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code dropgrid finetune}: runs one cell (drop layers, fine-tune, score the dev set) and prints its
 * result row as one JSON object. Exit 0 when the cell succeeded, 1 when it failed (the JSON then says
 * why), 2 for bad options.
 */
@Command(name = "finetune", mixinStandardHelpOptions = true,
        description = "Fine-tune one (layer-dropped) model on one GLUE task and score its dev set; prints one JSON"
                + " object (the cell's result row).")
public final class FinetuneCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Mixin CellOptions options;

    @Override
    public Integer call() throws IOException {
        FineTuneCellRunner runner = new FineTuneCellRunner(line -> spec.commandLine().getErr().println(line));
        CellResult result = runner.run(options.cell(spec.commandLine().getErr()));
        spec.commandLine().getOut().println(json(result));
        spec.commandLine().getOut().flush();
        if (!result.ok()) {
            spec.commandLine().getErr().println("dropgrid finetune: the cell failed: " + result.failureReason());
            spec.commandLine().getErr().flush();
        }
        return result.ok() ? 0 : 1;
    }

    /** A result row as JSON: the record's fields in snake case, plus the cell's id. */
    static String json(CellResult result) throws IOException {
        ObjectNode node = JsonOutput.MAPPER.valueToTree(result);
        node.put("cell_id", result.cell().id());
        return JsonOutput.MAPPER.writeValueAsString(node);
    }
}

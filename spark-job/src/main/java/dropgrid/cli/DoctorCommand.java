package dropgrid.cli;

import ai.djl.engine.EngineException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dropgrid.engine.EngineInfo;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dropgrid doctor}: which PyTorch engine this machine runs dropgrid on, as one JSON object
 * ({@link EngineInfo} plus {@code cuda_problem}, what would stop a GPU grid here). Exits 1 when the
 * engine does not load, or with {@code --gpu} when it cannot use a GPU.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Show the PyTorch engine as loaded: libtorch path, version, flavor, CUDA, GPUs, threads, natives cache.")
final class DoctorCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(names = "--gpu", description = "Exit 1 unless the engine can run cells on a GPU here.")
    boolean requireGpu;

    @Override
    public Integer call() throws Exception {
        ObjectNode out;
        int exit = 0;
        try {
            EngineInfo info = EngineInfo.current();
            out = JsonOutput.MAPPER.valueToTree(info);
            out.put("cuda_problem", info.cudaProblem());
            if (requireGpu && info.cudaProblem() != null) {
                exit = 1;
            }
        } catch (EngineException e) {
            out = JsonOutput.MAPPER.createObjectNode();
            out.put("engine", (String) null);
            out.put("error", e.getMessage() + (e.getCause() == null ? "" : ": " + e.getCause().getMessage()));
            out.put("pytorch_library_path", System.getenv("PYTORCH_LIBRARY_PATH"));
            exit = 1;
        }
        spec.commandLine().getOut().println(JsonOutput.MAPPER.writeValueAsString(out));
        spec.commandLine().getOut().flush();
        return exit;
    }
}

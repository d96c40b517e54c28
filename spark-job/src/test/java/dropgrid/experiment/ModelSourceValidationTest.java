package dropgrid.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dropgrid.hub.FakeHub;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A spec's model source is resolved, or rejected, at validation: names, pinned and unpinned Hub sources. */
class ModelSourceValidationTest {

    static final String GLUE = Paths.get(System.getProperty("dropgrid.glueDir")).toAbsolutePath().normalize().toString();
    static final String COMMIT = "fedcba9876543210fedcba9876543210fedcba98";

    @TempDir Path dir;
    @RegisterExtension final FakeHub hub = new FakeHub();
    @RegisterExtension final FakeHub storage = new FakeHub();

    @BeforeEach
    void serve() throws IOException {
        hub.serveModel("test-org/tiny-roberta", COMMIT, Path.of("src/test/resources/smoke/roberta"),
                Set.of("model.safetensors"), storage);
    }

    Grid load(String source) throws IOException {
        Path spec = dir.resolve("spec.yaml");
        Files.writeString(spec, "name: t\noutput: out\nglue_dir: " + GLUE + "\nmodels: [{id: m, source: '" + source
                + "'}]\nstrategies: [top]\ndrop: [2]\ntasks: [RTE]\n");
        return SpecReader.load(spec.toString(), new Configuration(), Map.of("HF_ENDPOINT", hub.baseUrl(),
                "DROPGRID_HOME", dir.resolve("home").toString()), SpecReader.Overrides.NONE);
    }

    @Test
    void pinnedNamesAndPinnedHubSourcesNeedNoNetwork() throws IOException {
        assertEquals(Map.of("m", 12), load("roberta-base").depths());
        assertEquals("roberta", load("roberta-base").cells().get(0).architecture().id());
        assertEquals(Map.of("m", 6), load("hf:distilbert/distilbert-base-uncased").depths());
        assertEquals(Map.of("m", 24), load("bert-large-uncased").depths());
        assertEquals(List.of(), hub.requests(), "validation of pinned models asked the Hub");
    }

    @Test
    void albertTakesOnlyTopAndSaysWhy() throws IOException {
        Path spec = dir.resolve("albert.yaml");
        Files.writeString(spec, "name: t\noutput: out\nglue_dir: " + GLUE + "\nmodels: [{id: a, source: albert-base-v2}]\n"
                + "strategies: [top, bottom, symmetric]\ndrop: [2]\ntasks: [RTE]\n");
        SpecException e = assertThrows(SpecException.class, () -> SpecReader.load(spec.toString(), new Configuration(),
                Map.of("DROPGRID_HOME", dir.resolve("home").toString()), SpecReader.Overrides.NONE));
        assertEquals(List.of("strategies[1]", "strategies[2]"),
                e.errors().stream().map(m -> m.substring(0, m.indexOf(':'))).toList());
        assertTrue(e.errors().get(0).contains("'bottom' cannot be run on ALBERT model 'a': its layers share one set"
                + " of parameters, so dropping K layers applies the shared layer L − K times"), e.errors().get(0));
    }

    @Test
    void anUnpinnedHubSourceIsLookedUpOnTheHub() throws IOException {
        Grid grid = load("hf:test-org/tiny-roberta@" + COMMIT);
        assertEquals(Map.of("m", 4), grid.depths());
        assertEquals("roberta", grid.cells().get(0).architecture().id());
        assertEquals("hf:test-org/tiny-roberta@" + COMMIT, grid.cells().get(0).modelSource());
    }

    @Test
    void aModelThatCanBeNeitherFoundNorFetchedFailsValidation() {
        SpecException unknown = assertThrows(SpecException.class, () -> load("bert-huge"));
        assertEquals(1, unknown.errors().size());
        assertTrue(unknown.errors().get(0).startsWith("models[0].source: 'bert-huge' is neither a directory nor a model"
                + " name; expected a model directory, an s3a:// prefix, a model name (bert-base-uncased,"),
                unknown.errors().get(0));

        SpecException missing = assertThrows(SpecException.class, () -> load("hf:test-org/nothing@v1"));
        assertTrue(missing.errors().get(0).startsWith("models[0].source: 'hf:test-org/nothing@v1' cannot be looked up"
                + " on " + hub.baseUrl() + ": test-org/nothing@v1 not found at " + hub.baseUrl()),
                missing.errors().get(0));

        SpecException malformed = assertThrows(SpecException.class, () -> load("hf:no-org"));
        assertEquals(1, missing.errors().size(), missing.errors().toString());
        assertTrue(malformed.errors().get(0).contains("the form is hf:<org>/<name>"), malformed.errors().toString());
    }
}

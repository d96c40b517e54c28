package dropgrid.train;

import java.nio.file.Path;
import java.nio.file.Paths;

/** The tiny random BERTs the model tests commit (3 layers, hidden 48, 32 positions, 68-word vocabulary). */
final class TinyBert {

    private TinyBert() {}

    /** A tiny BERT directory under {@code src/test/resources/golden/}. */
    static Path dir(String name) {
        try {
            return Paths.get(TinyBert.class.getResource("/golden/" + name + "/config.json").toURI()).getParent();
        } catch (java.net.URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("test model golden/" + name + " is missing from the test resources", e);
        }
    }

    /** The real GLUE copy the build points tests at ({@code -Ddropgrid.glueDir}). */
    static Path glueDir() {
        String dir = System.getProperty("dropgrid.glueDir");
        if (dir == null) {
            throw new IllegalStateException("system property dropgrid.glueDir is not set (surefire sets it)");
        }
        return Path.of(dir);
    }
}

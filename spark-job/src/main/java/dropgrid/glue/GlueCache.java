package dropgrid.glue;

import java.nio.file.Path;

/**
 * Where {@code dropgrid fetch-glue} puts GLUE and where specs look when {@code glue_dir} is unset:
 * {@code $DROPGRID_HOME/glue} when {@code DROPGRID_HOME} is set, else {@code ~/.cache/dropgrid/glue}.
 * The cache holds Hugging Face's Parquet layout ({@code <dir>/rte/train-00000-of-00001.parquet}),
 * which {@link GlueData#load} reads.
 */
public final class GlueCache {

    private GlueCache() {}

    public static Path defaultDir() {
        String home = System.getenv("DROPGRID_HOME");
        if (home != null && !home.isBlank()) {
            return Path.of(home, "glue");
        }
        return Path.of(System.getProperty("user.home"), ".cache", "dropgrid", "glue");
    }
}

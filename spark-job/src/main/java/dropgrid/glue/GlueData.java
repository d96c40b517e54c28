package dropgrid.glue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Loads a GLUE split from whichever layout {@code glueDir} holds for it: GLUE's TSV files ({@link
 * GlueTsv}) when {@code <glueDir>/<TASK>/<file>.tsv} exists, else Hugging Face's Parquet shards ({@link
 * GlueParquet}) under {@code <glueDir>/<task>/}. Both give the same examples: same text, same label
 * strings, guids {@code <split>-<row>}.
 */
public final class GlueData {

    private GlueData() {}

    /** Every example of a split, in file order. */
    public static List<Example> load(Path glueDir, GlueTask task, Split split) {
        if (GlueTsv.has(glueDir, task, split)) {
            return GlueTsv.read(glueDir, task, split);
        }
        if (GlueParquet.has(glueDir, task, split)) {
            return GlueParquet.read(glueDir, task, split);
        }
        throw new IllegalArgumentException(missing(glueDir, task, split));
    }

    /** Whether the split is there in either layout (GLUE TSV or Hugging Face Parquet). */
    public static boolean has(Path glueDir, GlueTask task, Split split) {
        return GlueTsv.has(glueDir, task, split) || GlueParquet.has(glueDir, task, split);
    }

    /** What to tell a user whose GLUE directory lacks a split: both layouts looked for, and the fix. */
    public static String missing(Path glueDir, GlueTask task, Split split) {
        return "GLUE " + task.dirName() + " " + split.name().toLowerCase(Locale.ROOT)
                + " is missing: neither " + GlueTsv.file(glueDir, task, split) + " (GLUE TSV layout) nor "
                + GlueParquet.dir(glueDir, task).resolve(task.hfSplit(split) + "-*.parquet")
                + " (Hugging Face layout) exists. Run `dropgrid fetch-glue --tasks " + task.dirName()
                + "` or point glue_dir at a complete GLUE copy.";
    }

    /** A seeded subset of at most {@code maxExamples} examples (0 = all); see {@link Subset}. */
    public static List<Example> load(Path glueDir, GlueTask task, Split split, int maxExamples, long seed) {
        return Subset.take(load(glueDir, task, split), maxExamples, seed);
    }

    /** The dev sets that are scored, in {@link GlueTask#devSplits()} order (MNLI: matched, mismatched). */
    public static Map<Split, List<Example>> loadDev(Path glueDir, GlueTask task) {
        Map<Split, List<Example>> dev = new LinkedHashMap<>();
        for (Split split : task.devSplits()) {
            dev.put(split, load(glueDir, task, split));
        }
        return dev;
    }
}

package dropgrid.glue;

/**
 * One labelled GLUE example, text exactly as the file holds it (SST-2's trailing space included: the
 * tokenizer, not the reader, decides about whitespace).
 *
 * @param guid {@code <split>-<row>}, the 0-based data row of the file (Hugging Face's {@code idx})
 * @param textA the first (or only) sentence
 * @param textB the second sentence; {@code null} for single-sentence tasks (CoLA, SST-2)
 * @param label the gold class as the task spells it (one of {@link GlueTask#labels()}); {@code null} for
 *     the regression task STS-B
 * @param score STS-B's similarity in [0, 5]; {@code NaN} for classification tasks
 */
public record Example(String guid, String textA, String textB, String label, double score) {

    public Example {
        if (guid == null || textA == null) {
            throw new IllegalArgumentException("example needs a guid and a first text, got guid=" + guid
                    + ", textA=" + textA);
        }
        if ((label == null) == Double.isNaN(score)) {
            throw new IllegalArgumentException("example " + guid + " needs exactly one of a class label or a"
                    + " regression score, got label=" + label + ", score=" + score);
        }
    }

    /** A classification example. */
    public static Example classified(String guid, String textA, String textB, String label) {
        return new Example(guid, textA, textB, label, Double.NaN);
    }

    /** A regression (STS-B) example. */
    public static Example scored(String guid, String textA, String textB, double score) {
        return new Example(guid, textA, textB, null, score);
    }

    public boolean isRegression() {
        return label == null;
    }
}

package dropgrid.hub;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A model on the Hugging Face Hub as specs and {@code --model} name it: {@code hf:<org>/<name>} or
 * {@code hf:<org>/<name>@<revision>}, the revision a commit, branch or tag (default: the revision the
 * model manifest pins for that repository, else {@code main}).
 *
 * @param repository {@code <org>/<name>}
 * @param revision the revision asked for, or null for the default
 */
public record HubSource(String repository, String revision) {

    public static final String PREFIX = "hf:";

    private static final Pattern FORM = Pattern.compile(
            "hf:([A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*)(?:@([A-Za-z0-9][A-Za-z0-9._/-]*))?");
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");

    /** Whether {@code source} is meant as a Hub source (it may still be malformed). */
    public static boolean isHub(String source) {
        return source.startsWith(PREFIX);
    }

    /** Parses {@code hf:<org>/<name>[@<revision>]}; the error shows the form. */
    public static HubSource parse(String source) {
        Matcher m = FORM.matcher(source);
        if (!m.matches()) {
            throw new IllegalArgumentException("model source '" + source + "' is not a Hub source; the form is"
                    + " hf:<org>/<name> or hf:<org>/<name>@<revision> (e.g. hf:FacebookAI/roberta-base)");
        }
        return new HubSource(m.group(1), m.group(2));
    }

    /** Whether the revision is a full commit id (immutable), not a branch or tag. */
    public static boolean isCommit(String revision) {
        return revision != null && COMMIT.matcher(revision).matches();
    }

    /** The same repository at {@code revision}. */
    public HubSource at(String revision) {
        return new HubSource(repository, revision);
    }

    @Override
    public String toString() {
        return PREFIX + repository + (revision == null ? "" : "@" + revision);
    }
}

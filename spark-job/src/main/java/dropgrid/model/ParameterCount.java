package dropgrid.model;

import ai.djl.nn.Parameter;
import java.io.Serializable;
import java.util.Map;

/**
 * A classifier's parameter counts as {@code docs/results-schema.md} defines them.
 *
 * @param total {@code params_total}: every parameter, head included
 * @param encoder {@code params_encoder}: embeddings + kept layers, what dropping shrinks; a pooler (BERT's)
 *     counts with the head, which is its only reader
 */
public record ParameterCount(long total, long encoder) implements Serializable {

    public static ParameterCount of(SequenceClassifier classifier) {
        long encoder = HfParameters.of(classifier.encoder()).entrySet().stream()
                .filter(e -> !e.getKey().startsWith("pooler."))
                .mapToLong(e -> size(e.getValue()))
                .sum();
        return new ParameterCount(sum(HfParameters.of(classifier)), encoder);
    }

    private static long sum(Map<String, Parameter> parameters) {
        return parameters.values().stream().mapToLong(ParameterCount::size).sum();
    }

    private static long size(Parameter p) {
        return p.getArray().size();
    }
}

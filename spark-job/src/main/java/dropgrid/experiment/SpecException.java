package dropgrid.experiment;

import java.util.List;

/**
 * Everything wrong with a spec, found in one pass: each error names the field path (e.g.
 * {@code models[1].source}), the bad value and what is allowed.
 */
public final class SpecException extends IllegalArgumentException {

    private final List<String> errors;

    public SpecException(String location, List<String> errors) {
        super("spec " + location + " has " + errors.size() + (errors.size() == 1 ? " error" : " errors") + ":\n  - "
                + String.join("\n  - ", errors));
        this.errors = List.copyOf(errors);
    }

    public List<String> errors() {
        return errors;
    }
}

package dropgrid.model;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A checkpoint file as dropgrid's readers see it ({@link SafeTensors}, {@link TfCheckpoint}, {@link
 * TorchCheckpoint}): the tensors its header lists, by name in file order with their shapes, known once
 * the file is open; each reader reads a tensor's values when asked ({@link #floats}).
 *
 * @param <E> what the reader's header says of one tensor
 */
abstract class CheckpointFile<E extends CheckpointFile.Stored> implements Weights {

    /** A tensor as a header lists it. */
    interface Stored {
        long[] shape();
    }

    private final String source;
    private final Map<String, E> tensors = new LinkedHashMap<>();

    CheckpointFile(Path file) {
        this.source = file.toString();
    }

    /** Adds a tensor the header lists; readers call it while opening, in file order. */
    final void list(String name, E tensor) {
        tensors.put(name, tensor);
    }

    /** Every listed tensor, in file order. */
    final Map<String, E> listed() {
        return Collections.unmodifiableMap(tensors);
    }

    /** The listed tensor {@code name}; an unknown name is an error naming the file. */
    final E stored(String name) {
        E tensor = tensors.get(name);
        if (tensor == null) {
            throw new IllegalArgumentException(source + ": no tensor " + name);
        }
        return tensor;
    }

    @Override
    public final String source() {
        return source;
    }

    @Override
    public final Set<String> names() {
        return Collections.unmodifiableSet(tensors.keySet());
    }

    @Override
    public final long[] shape(String name) {
        return stored(name).shape().clone();
    }
}

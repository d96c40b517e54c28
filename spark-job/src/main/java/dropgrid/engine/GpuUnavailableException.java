package dropgrid.engine;

/**
 * A cell asked for a GPU that this engine cannot give it. Not a failed cell but a misconfigured node:
 * the grid stops with this one message instead of recording one failed row per cell, and never runs
 * the cell on the CPU instead.
 */
public final class GpuUnavailableException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    public GpuUnavailableException(String message) {
        super(message);
    }
}

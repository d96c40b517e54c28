package dropgrid.job;

import dropgrid.train.CellRunner;
import java.lang.reflect.InvocationTargetException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Creates the {@link CellRunner} named on the command line, once per JVM: concurrent tasks of one
 * executor share it (and its caches), so a runner must be safe to call from several threads.
 */
public final class RunnerLoader {

    /** Spark conf key naming the {@link CellRunner} class. */
    public static final String RUNNER_CONF = "spark.dropgrid.runner";
    /** The fine-tuning runner, used when neither {@code --runner} nor {@link #RUNNER_CONF} names one. */
    public static final String DEFAULT_RUNNER = "dropgrid.train.FineTuneCellRunner";

    private static final Map<String, CellRunner> RUNNERS = new ConcurrentHashMap<>();

    private RunnerLoader() {}

    static CellRunner get(String className) {
        return RUNNERS.computeIfAbsent(className, RunnerLoader::create);
    }

    /** Fails with a readable message unless the class exists, is a CellRunner and has a public no-arg constructor. */
    static void check(String className) {
        constructor(className);
    }

    private static CellRunner create(String className) {
        try {
            return constructor(className).newInstance();
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("runner " + className + " failed to start: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create runner " + className + ": " + e, e);
        }
    }

    private static java.lang.reflect.Constructor<? extends CellRunner> constructor(String className) {
        Class<?> c;
        try {
            c = Class.forName(className, false, Thread.currentThread().getContextClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("runner class '" + className + "' is not on the classpath; pass "
                    + "--runner CLASS (or --conf " + RUNNER_CONF + "=CLASS) naming a dropgrid.train.CellRunner "
                    + "with a public no-argument constructor", e);
        }
        if (!CellRunner.class.isAssignableFrom(c)) {
            throw new IllegalArgumentException("runner class '" + className + "' does not implement "
                    + CellRunner.class.getName());
        }
        try {
            return c.asSubclass(CellRunner.class).getConstructor();
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException(
                    "runner class '" + className + "' has no public no-argument constructor", e);
        }
    }
}

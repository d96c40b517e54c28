package dropgrid.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Spark standalone cluster on 127.0.0.1 made of separate JVMs (a master and workers, which start their
 * executors as JVMs of their own), from the jars of this test run: no Spark distribution needed. Its
 * {@code SPARK_HOME/jars} links every jar of the test class path; the class directories reach the
 * executors as {@code spark.executor.extraClassPath}, so DJL and dropgrid share a class loader there as
 * in the spark-submit jar.
 */
final class LocalCluster implements AutoCloseable {

    private final Path dir;
    private final int masterPort;
    private final int uiPort;
    private final Process master;
    private final List<Process> workers = new ArrayList<>();
    private int started;

    LocalCluster(Path dir, int workers) throws Exception {
        this.dir = dir;
        Path jars = Files.createDirectories(dir.resolve("spark-home/jars"));
        for (String entry : ChildJvm.classpath().split(java.io.File.pathSeparator)) {
            Path p = Path.of(entry);
            if (entry.endsWith(".jar") && Files.isRegularFile(p)) {
                Path link = jars.resolve(p.getFileName());
                if (!Files.exists(link)) {
                    Files.createSymbolicLink(link, p.toAbsolutePath());
                }
            }
        }
        masterPort = freePort();
        uiPort = freePort();
        master = start("master", "org.apache.spark.deploy.master.Master",
                List.of("--host", "127.0.0.1", "--port", String.valueOf(masterPort), "--webui-port",
                        String.valueOf(uiPort)));
        for (int i = 0; i < workers; i++) {
            addWorker();
        }
        awaitWorkers(workers);
    }

    String url() {
        return "spark://127.0.0.1:" + masterPort;
    }

    /** The spark-submit arguments that place a driver on this cluster with executors that can run cells. */
    List<String> submitConf() {
        String classDirs = String.join(java.io.File.pathSeparator, Arrays.stream(
                ChildJvm.classpath().split(java.io.File.pathSeparator)).filter(e -> !e.endsWith(".jar")).toList());
        return List.of("--master", url(), "--conf", "spark.ui.enabled=false", "--conf", "spark.executor.memory=1g",
                "--conf", "spark.executor.extraClassPath=" + classDirs,
                "--conf", "spark.executor.extraJavaOptions=-Dai.djl.offline=true",
                "--conf", "spark.executorEnv.DJL_CACHE_DIR=" + System.getenv("DJL_CACHE_DIR"),
                "--conf", "spark.task.maxFailures=4");
    }

    Process addWorker() throws IOException {
        started++;
        Process w = start("worker" + started, "org.apache.spark.deploy.worker.Worker",
                List.of("--host", "127.0.0.1", "--cores", "1", "--memory", "2g", "--webui-port", "0", "--work-dir",
                        dir.resolve("work" + started).toString(), url()));
        workers.add(w);
        return w;
    }

    /** {@code kill -9} of a worker and of the executor JVMs it started: a machine that vanishes. */
    void killWorker(Process worker) throws InterruptedException {
        List<ProcessHandle> tree = new ArrayList<>(worker.toHandle().descendants().toList());
        tree.add(worker.toHandle());
        tree.forEach(ProcessHandle::destroyForcibly);
        worker.waitFor(30, TimeUnit.SECONDS);
    }

    List<Process> workers() {
        return workers;
    }

    /** The master's view ({@code /json}): workers, applications. */
    JsonNode state() throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + uiPort + "/json/")).build(), HttpResponse.BodyHandlers.ofString());
        return new ObjectMapper().readTree(r.body());
    }

    void awaitWorkers(int alive) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            try {
                if (state().path("aliveworkers").asInt() >= alive) {
                    return;
                }
            } catch (IOException notYet) {
                // The master's web UI is not up yet.
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the cluster did not get " + alive + " workers:\n"
                        + Files.readString(dir.resolve("master.log")));
            }
            Thread.sleep(300);
        }
    }

    /** Waits until the master runs no application (a killed driver's executors are gone). */
    void awaitNoApplication() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (state().path("activeapps").size() > 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the master still runs " + state().path("activeapps"));
            }
            Thread.sleep(300);
        }
    }

    /** Waits until no worker has an executor JVM left (a killed driver's executors are stopped by their workers). */
    void awaitNoExecutors() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (workers.stream().anyMatch(w -> w.isAlive()
                && w.toHandle().descendants().anyMatch(ProcessHandle::isAlive))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("executors still run 120 s after their application ended");
            }
            Thread.sleep(200);
        }
    }

    private Process start(String name, String mainClass, List<String> args) throws IOException {
        return ChildJvm.start(List.of("-Xmx256m"), mainClass, args,
                Map.of("SPARK_HOME", dir.resolve("spark-home").toString(), "SPARK_SCALA_VERSION", "2.13"),
                dir.resolve(name + ".log"));
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (Process w : workers) {
            killWorker(w);
        }
        master.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
}

package dropgrid.job;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import org.apache.hadoop.conf.Configuration;

/**
 * The driver's Hadoop configuration shipped to executors (S3A endpoint and credential settings
 * included), since an executor's fresh {@code Configuration} would not see {@code spark.hadoop.*}.
 */
final class HadoopConf implements Serializable {

    private transient Configuration conf;

    HadoopConf(Configuration conf) {
        this.conf = conf;
    }

    Configuration get() {
        return conf;
    }

    /**
     * A configuration with the {@code spark.hadoop.*} system properties applied, as spark-submit passes
     * them, for commands that read outputs without starting Spark.
     */
    static Configuration fromSystemProperties() {
        Configuration c = new Configuration();
        System.getProperties().stringPropertyNames().stream()
                .filter(k -> k.startsWith("spark.hadoop."))
                .forEach(k -> c.set(k.substring("spark.hadoop.".length()), System.getProperty(k)));
        return c;
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
        out.defaultWriteObject();
        conf.write(out);
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        conf = new Configuration(false);
        conf.readFields(in);
    }
}

package dropgrid.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The launcher and the image set the glibc malloc settings themselves (they start before any Java runs);
 * they must set the values {@link MallocSettings} names, which the driver passes to cluster executors.
 */
class MallocSettingsTest {

    @Test
    void launcherAndImageSetTheSameValues() throws Exception {
        String launcher = Files.readString(Path.of("../dropgrid"));
        String image = Files.readString(Path.of("../docker/Dockerfile"));
        MallocSettings.ENVIRONMENT.forEach((name, value) -> {
            String defaulted = name + "=\"${" + name + ":-" + value + "}\"";
            assertTrue(launcher.contains(defaulted), "./dropgrid does not export " + defaulted);
            assertTrue(image.contains(name + "=" + value), "docker/Dockerfile does not set " + name + "=" + value);
        });
    }
}

package dropgrid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ReportCommandTest {

    @Test
    void unknownFormatExitsTwoNamingTheAllowedFormats() {
        StringWriter stderr = new StringWriter();
        int exit = Main.commandLine().setOut(new PrintWriter(new StringWriter())).setErr(new PrintWriter(stderr))
                .execute("report", "does-not-matter", "--format", "md,pdf");
        assertEquals(2, exit);
        assertTrue(stderr.toString().contains("--format: 'pdf' is not one of md, html, csv"), stderr.toString());
    }
}

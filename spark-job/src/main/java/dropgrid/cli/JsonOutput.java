package dropgrid.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** How commands print data on stdout: compact JSON with snake_case keys, one object per line. */
final class JsonOutput {

    static final ObjectMapper MAPPER =
            JsonMapper.builder().propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).build();

    private JsonOutput() {}
}

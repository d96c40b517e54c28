package dropgrid.model;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/** TEMPORARY until bert's SafeTensors lands. */
final class TmpLoad {
    static Map<String, float[]> read(Path file) throws Exception {
        byte[] all = Files.readAllBytes(file);
        ByteBuffer bb = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        long n = bb.getLong();
        JsonNode header = new ObjectMapper().readTree(new String(all, 8, (int) n, "UTF-8"));
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Iterator<String> it = header.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (name.equals("__metadata__")) continue;
            JsonNode t = header.get(name);
            long a = t.get("data_offsets").get(0).asLong();
            long b = t.get("data_offsets").get(1).asLong();
            float[] v = new float[(int) ((b - a) / 4)];
            ByteBuffer d = ByteBuffer.wrap(all, (int) (8 + n + a), (int) (b - a)).order(ByteOrder.LITTLE_ENDIAN);
            d.asFloatBuffer().get(v);
            out.put(name, v);
        }
        return out;
    }

    static void walk(Block block, String prefix, Map<String, Parameter> out) {
        for (var p : block.getDirectParameters()) {
            String n = switch (p.getKey()) { case "gamma" -> "weight"; case "beta" -> "bias"; default -> p.getKey(); };
            out.put(prefix + n, p.getValue());
        }
        for (var c : block.getChildren()) {
            walk(c.getValue(), prefix + c.getKey().substring(2) + ".", out);
        }
    }
}

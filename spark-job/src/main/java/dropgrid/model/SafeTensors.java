package dropgrid.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;

/**
 * A {@code .safetensors} file (Hugging Face): an 8-byte little-endian header length, a JSON header
 * {@code {name: {dtype, shape, data_offsets: [begin, end]}}} and the raw little-endian tensor bytes.
 * The header is checked when the file opens (offsets inside the file, sizes matching shapes); tensor
 * bytes are memory-mapped and converted to F32 on demand (F16 and BF16 in Java, because DJL 0.36 has
 * no BF16 and aborts the JVM on it).
 */
public final class SafeTensors extends CheckpointFile<SafeTensors.Entry> {

    /** The element types this reader converts to F32. */
    enum Dtype {
        F32(4),
        F16(2),
        BF16(2);

        final int bytes;

        Dtype(int bytes) {
            this.bytes = bytes;
        }
    }

    record Entry(String dtype, long[] shape, long begin, long end) implements CheckpointFile.Stored {}

    private final Path file;
    private final FileChannel channel;
    private final long dataStart;

    private SafeTensors(Path file) throws IOException {
        super(file);
        this.file = file;
        this.channel = FileChannel.open(file, StandardOpenOption.READ);
        long size = channel.size();
        if (size < 8) {
            throw bad("truncated file: " + size + " bytes, shorter than the 8-byte header length");
        }
        ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        channel.read(len, 0);
        long headerLength = len.flip().getLong();
        if (headerLength < 2 || headerLength > size - 8 || headerLength > 100_000_000) {
            throw bad("header length " + headerLength + " does not fit in a file of " + size + " bytes");
        }
        ByteBuffer header = ByteBuffer.allocate((int) headerLength);
        channel.read(header, 8);
        dataStart = 8 + headerLength;
        JsonNode json;
        try {
            json = new ObjectMapper().readTree(new String(header.array(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw bad("header is not JSON: " + e.getMessage());
        }
        if (json == null || !json.isObject()) {
            throw bad("header is not a JSON object");
        }
        for (Map.Entry<String, JsonNode> field : json.properties()) {
            if (!field.getKey().equals("__metadata__")) {
                list(field.getKey(), entry(field.getKey(), field.getValue(), size - dataStart));
            }
        }
    }

    /** Opens {@code file} and checks its header; errors name the file and tensor. */
    public static SafeTensors open(Path file) {
        try {
            return new SafeTensors(file);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    private Entry entry(String name, JsonNode node, long dataSize) {
        JsonNode offsets = node.get("data_offsets");
        JsonNode shapeNode = node.get("shape");
        if (!node.hasNonNull("dtype") || shapeNode == null || !shapeNode.isArray() || offsets == null
                || offsets.size() != 2) {
            throw bad("tensor " + name + ": header entry needs dtype, shape and data_offsets [begin, end], got " + node);
        }
        long[] shape = new long[shapeNode.size()];
        long elements = 1;
        for (int i = 0; i < shape.length; i++) {
            shape[i] = shapeNode.get(i).asLong();
            elements *= shape[i];
        }
        long begin = offsets.get(0).asLong();
        long end = offsets.get(1).asLong();
        if (begin < 0 || end < begin) {
            throw bad("tensor " + name + ": bad data_offsets [" + begin + ", " + end + "]");
        }
        if (end > dataSize) {
            throw bad(String.format("truncated file: tensor %s ends at byte %d of the data section, which has only %d bytes",
                    name, end, dataSize));
        }
        String dtype = node.get("dtype").asText();
        for (Dtype d : Dtype.values()) {
            if (d.name().equals(dtype) && (end - begin) != elements * d.bytes) {
                throw bad(String.format("tensor %s: %d bytes for %d %s values", name, end - begin, elements, dtype));
            }
        }
        return new Entry(dtype, shape, begin, end);
    }

    @Override
    public float[] floats(String name) {
        Entry e = stored(name);
        Dtype dtype;
        try {
            dtype = Dtype.valueOf(e.dtype());
        } catch (IllegalArgumentException ex) {
            throw bad("tensor " + name + " has dtype " + e.dtype() + "; supported: F32, F16, BF16");
        }
        long bytes = e.end() - e.begin();
        if (bytes / dtype.bytes > Integer.MAX_VALUE) {
            throw bad("tensor " + name + " has more than 2^31 values");
        }
        ByteBuffer data;
        try {
            data = channel.map(FileChannel.MapMode.READ_ONLY, dataStart + e.begin(), bytes).order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException ex) {
            throw new IllegalArgumentException(file + ": cannot map tensor " + name + ": " + ex.getMessage(), ex);
        }
        return toFloats(data, dtype, (int) (bytes / dtype.bytes));
    }

    /** Little-endian F32/F16/BF16 values → F32. */
    static float[] toFloats(ByteBuffer data, Dtype dtype, int n) {
        float[] out = new float[n];
        switch (dtype) {
            case F32 -> data.asFloatBuffer().get(out);
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = halfToFloat(data.getShort(2 * i));
                }
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = Float.intBitsToFloat((data.getShort(2 * i) & 0xffff) << 16);
                }
            }
        }
        return out;
    }

    /** IEEE 754 binary16 → binary32, subnormals, infinities and NaN included (Java 17 has no Float.float16ToFloat). */
    static float halfToFloat(short half) {
        int h = half & 0xffff;
        int sign = (h & 0x8000) << 16;
        int exponent = (h >>> 10) & 0x1f;
        int mantissa = h & 0x3ff;
        if (exponent == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            float magnitude = mantissa * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }

    private IllegalArgumentException bad(String message) {
        return new IllegalArgumentException(file + ": " + message);
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new IllegalStateException(file + ": cannot close: " + e.getMessage(), e);
        }
    }

    /** A tensor to write: shape and row-major F32 values. */
    public record Tensor(long[] shape, float[] values) {}

    /** Writes F32 tensors in HF's layout (header padded to 8 bytes with spaces, as HF does). */
    public static void write(Path file, Map<String, Tensor> tensors) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode header = mapper.createObjectNode();
        long offset = 0;
        for (Map.Entry<String, Tensor> t : tensors.entrySet()) {
            long bytes = 4L * t.getValue().values().length;
            ObjectNode entry = header.putObject(t.getKey()).put("dtype", "F32");
            var shape = entry.putArray("shape");
            Arrays.stream(t.getValue().shape()).forEach(shape::add);
            entry.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        StringBuilder json = new StringBuilder(mapper.writeValueAsString(header));
        while ((json.length()) % 8 != 0) {
            json.append(' ');
        }
        byte[] headerBytes = json.toString().getBytes(StandardCharsets.UTF_8);
        try (OutputStream out = Files.newOutputStream(file)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(headerBytes.length);
            out.write(len.array());
            out.write(headerBytes);
            for (Tensor t : tensors.values()) {
                ByteBuffer b = ByteBuffer.allocate(4 * t.values().length).order(ByteOrder.LITTLE_ENDIAN);
                b.asFloatBuffer().put(t.values());
                out.write(b.array());
            }
        }
    }
}
